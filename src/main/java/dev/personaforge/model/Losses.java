package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Next-token cross-entropy on selected positions, computing {@code lm_head} only where a label exists. */
public final class Losses {
    /** Label value for positions that do not count (prompt tokens, padding), as in transformers. */
    public static final long IGNORE_INDEX = -100;

    private Losses() {}

    /** Mean loss, number of counted tokens and number of correct argmax predictions. */
    public record Result(NDArray loss, int tokens, int correct) {}

    /**
     * Cross-entropy of predicting {@code labels[b][t]} from position t (labels already shifted).
     *
     * @param hidden (B, T, H) final hidden states in the caller's scope
     * @param labels (B, T), {@link #IGNORE_INDEX} where no loss is taken
     * @param countCorrect also compute next-token accuracy (costs an argmax)
     */
    public static Result crossEntropy(LlamaForCausalLM model, NDArray hidden, long[][] labels, boolean countCorrect) {
        NDManager scope = hidden.getManager();
        long h = hidden.getShape().get(2);
        int t = labels[0].length;
        int n = 0;
        for (long[] row : labels) {
            for (long l : row) {
                if (l != IGNORE_INDEX) {
                    n++;
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no labelled positions in the batch");
        }
        long[] rows = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int b = 0; b < labels.length; b++) {
            for (int j = 0; j < t; j++) {
                if (labels[b][j] != IGNORE_INDEX) {
                    rows[k] = (long) b * t + j;
                    targets[k++] = labels[b][j];
                }
            }
        }
        NDArray rowIdx = scope.create(rows); // (N,)
        NDArray selected = hidden.reshape(-1, h).get(new NDIndex("{}", rowIdx)); // (N, H)
        NDArray logits = model.logits(selected); // (N, V)
        NDArray logp = logits.logSoftmax(-1); // (N, V)
        NDArray target = scope.create(targets, new Shape(n, 1)); // (N, 1)
        NDArray nll = logp.gather(target, 1).neg(); // (N, 1)
        NDArray loss = nll.mean(); // ()
        int correct = 0;
        if (countCorrect) {
            long[] pred = logits.argMax(1).toLongArray();
            for (int i = 0; i < n; i++) {
                if (pred[i] == targets[i]) {
                    correct++;
                }
            }
        }
        return new Result(loss, n, correct);
    }
}
