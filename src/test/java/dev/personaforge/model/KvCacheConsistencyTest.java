package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Incremental decoding with the KV cache and left-padded batches against full recomputation. */
class KvCacheConsistencyTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }


    private static long[] randomIds(int n, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 3 + r.nextInt(TinyCheckpoints.VOCAB - 3);
        }
        return ids;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void cachedDecodingMatchesFullRecompute() {
        // 150 positions: the cache's buffers regrow twice (past 64 and 130), once in the middle of a chunk
        int length = 150;
        for (LlamaConfig config : TinyCheckpoints.all()) {
            try (NDManager root = NDManager.newBaseManager("PyTorch");
                    LlamaForCausalLM model = LlamaForCausalLM.random(config, 11, root, 0.2f)) {
                long[] seq = randomIds(length, 5);
                float[] full;
                try (NDManager s = root.newSubManager()) {
                    full = model.forward(s, new long[][] {seq}).toFloatArray(); // (1, 150, V)
                }
                int v = config.vocabSize();
                try (NDManager s = root.newSubManager(); KvCache cache = new KvCache(s, config.numHiddenLayers())) {
                    int prefix = 6;
                    NDArray first = model.forward(s.create(new long[][] {Arrays.copyOf(seq, prefix)}), null, cache, null);
                    float[] got = first.toFloatArray();
                    assertEquals(0, maxDiff(Arrays.copyOf(full, prefix * v), got), 1e-4, config.architecture() + " prefill");
                    int t = prefix;
                    while (t < length) {
                        int chunk = t == 60 ? 10 : 1; // positions 60 to 69 in one forward, across the first regrowth
                        try (NDManager step = s.newSubManager()) {
                            float[] out = model.forward(step.create(new long[][] {Arrays.copyOfRange(seq, t, t + chunk)}),
                                    null, cache, null).toFloatArray();
                            float[] expected = Arrays.copyOfRange(full, t * v, (t + chunk) * v);
                            assertEquals(0, maxDiff(expected, out), 1e-4, config.architecture() + " step " + t);
                        }
                        t += chunk;
                    }
                    assertEquals(length, cache.length());
                }
            }
        }
    }

    @Test
    void leftPaddedBatchMatchesSingleRows() {
        for (LlamaConfig config : TinyCheckpoints.all()) {
            try (NDManager root = NDManager.newBaseManager("PyTorch");
                    LlamaForCausalLM model = LlamaForCausalLM.random(config, 12, root, 0.2f)) {
                long[] a = randomIds(9, 1);
                long[] b = randomIds(4, 2);
                Generator gen = new Generator(model, null, List.of());
                GenerationResult ra = gen.generate(new GenerationRequest(a, null, SamplingParams.greedy(12)));
                GenerationResult rb = gen.generate(new GenerationRequest(b, null, SamplingParams.greedy(12)));
                List<GenerationResult> batch = gen.generate(List.of(
                        new GenerationRequest(a, null, SamplingParams.greedy(12)),
                        new GenerationRequest(b, null, SamplingParams.greedy(12))), null, () -> false);
                assertArrayEquals(ra.tokenIds(), batch.get(0).tokenIds(), config.architecture());
                assertArrayEquals(rb.tokenIds(), batch.get(1).tokenIds(), config.architecture());

                long[][] padded = new long[2][9];
                boolean[][] mask = new boolean[2][9];
                System.arraycopy(a, 0, padded[0], 0, 9);
                Arrays.fill(mask[0], true);
                System.arraycopy(b, 0, padded[1], 5, 4);
                Arrays.fill(mask[1], 5, 9, true);
                try (NDManager s = root.newSubManager()) {
                    NDArray batchLogits = model.forward(s.create(padded), mask, null, null);
                    float[] rowB = batchLogits.get(new NDIndex("1, 5:")).toFloatArray();
                    float[] single = model.forward(s, new long[][] {b}).toFloatArray();
                    assertEquals(0, maxDiff(single, rowB), 1e-4, config.architecture() + " padded row");
                }
            }
        }
    }
}
