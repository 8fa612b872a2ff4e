package dev.personaforge.model;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Picks a next token from one row of logits in Java, in transformers' order: repetition penalty,
 * then greedy argmax or temperature, top-k, top-p and a draw from a seeded generator.
 */
final class TokenSampler {
    private final SamplingParams params;
    private final Random random;

    TokenSampler(SamplingParams params) {
        this.params = params;
        this.random = new Random(params.seed());
    }

    int next(float[] logits, Set<Long> seen) {
        if (params.repetitionPenalty() != 1.0) {
            float p = (float) params.repetitionPenalty();
            for (long t : seen) {
                int i = (int) t;
                logits[i] = logits[i] > 0 ? logits[i] / p : logits[i] * p;
            }
        }
        if (!params.doSample()) {
            return argmax(logits);
        }
        int v = logits.length;
        float invT = (float) (1.0 / params.temperature());
        int[] candidates;
        if (params.topK() > 0 && params.topK() < v) {
            candidates = topK(logits, params.topK());
        } else {
            candidates = null;
        }
        float max = Float.NEGATIVE_INFINITY;
        if (candidates == null) {
            for (float l : logits) {
                max = Math.max(max, l);
            }
        } else {
            for (int c : candidates) {
                max = Math.max(max, logits[c]);
            }
        }
        if (Float.isNaN(max)) {
            throw nanLogits();
        }
        int n = candidates == null ? v : candidates.length;
        int[] idx = new int[n];
        double[] prob = new double[n];
        double z = 0;
        for (int k = 0; k < n; k++) {
            int i = candidates == null ? k : candidates[k];
            idx[k] = i;
            prob[k] = Math.exp((logits[i] - max) * invT);
            z += prob[k];
        }
        if (params.topP() < 1.0) {
            int[] kept = nucleus(idx, prob, z, params.topP());
            idx = kept;
            double[] p2 = new double[kept.length];
            z = 0;
            for (int k = 0; k < kept.length; k++) {
                p2[k] = Math.exp((logits[kept[k]] - max) * invT);
                z += p2[k];
            }
            prob = p2;
        }
        double u = random.nextDouble() * z;
        double acc = 0;
        for (int k = 0; k < idx.length; k++) {
            acc += prob[k];
            if (u < acc) {
                return idx[k];
            }
        }
        return idx[idx.length - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (Float.isNaN(logits[best])) {
            throw nanLogits();
        }
        return best;
    }

    /** NaN logits would otherwise pick token 0 forever and come out as silently empty text. */
    private static IllegalStateException nanLogits() {
        return new IllegalStateException("the model produced NaN logits: its weights or inputs are not finite");
    }

    static int[] topK(float[] logits, int k) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(logits[a], logits[b]));
        for (int i = 0; i < logits.length; i++) {
            if (heap.size() < k) {
                heap.add(i);
            } else if (logits[i] > logits[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        return heap.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The smallest set of most probable tokens whose mass reaches {@code topP}. Sorting only tokens
     * above a small probability floor is exact whenever those already reach the mass; otherwise
     * everything is sorted.
     */
    private static int[] nucleus(int[] idx, double[] prob, double z, double topP) {
        double maxP = 0;
        for (double p : prob) {
            maxP = Math.max(maxP, p);
        }
        for (double floor : new double[] {maxP * 1e-4, -1}) {
            int count = 0;
            for (double p : prob) {
                if (p >= floor) {
                    count++;
                }
            }
            Integer[] order = new Integer[count];
            int c = 0;
            for (int k = 0; k < prob.length; k++) {
                if (prob[k] >= floor) {
                    order[c++] = k;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(prob[b], prob[a]));
            double acc = 0;
            for (int k = 0; k < order.length; k++) {
                acc += prob[order[k]];
                if (acc >= topP * z) {
                    int[] kept = new int[k + 1];
                    for (int j = 0; j <= k; j++) {
                        kept[j] = idx[order[j]];
                    }
                    return kept;
                }
            }
        }
        return idx;
    }
}
