package dev.personaforge.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log-probability of one generated token and of the most likely alternatives at its position, taken from the
 * model's own distribution: log-softmax of the raw logits, before repetition penalty, temperature, top-k and top-p
 * shape the draw. So the figures describe what the model predicts, and do not change with the sampling settings.
 *
 * @param top the most likely tokens at this position, most likely first (may include the chosen token)
 */
public record TokenLogprob(long tokenId, double logprob, List<Alternative> top) {

    /** One candidate token at a position and its log-probability. */
    public record Alternative(long tokenId, double logprob) {
    }

    public TokenLogprob {
        top = List.copyOf(top);
    }

    /**
     * The chosen token's log-probability and the {@code k} most likely tokens from one row of logits.
     *
     * @param logits (V) raw logits of the position, left unchanged
     */
    static TokenLogprob of(float[] logits, long chosen, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        for (float l : logits) {
            z += Math.exp(l - max);
        }
        double logZ = max + Math.log(z);
        int[] best = k <= 0 ? new int[0] : TokenSampler.topK(logits, Math.min(k, logits.length));
        Integer[] order = new Integer[best.length];
        for (int i = 0; i < best.length; i++) {
            order[i] = best[i];
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        List<Alternative> top = new ArrayList<>(order.length);
        for (int id : order) {
            top.add(new Alternative(id, logits[id] - logZ));
        }
        return new TokenLogprob(chosen, logits[(int) chosen] - logZ, top);
    }
}
