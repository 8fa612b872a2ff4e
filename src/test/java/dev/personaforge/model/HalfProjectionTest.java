package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vector kernels that decode in half precision: F16 conversion, products against libtorch, each row's LoRA
 * delta in a mixed batch, the worker threads and the decode thread.
 */
class HalfProjectionTest {

    @BeforeAll
    static void needsTheVectorApi() {
        Torch.init();
        assumeTrue(HalfProjection.available(),
                "the JVM runs without --add-modules jdk.incubator.vector: skipping the vector kernel tests");
    }

    @AfterEach
    void kernelsBackOn() {
        HalfProjection.setEnabled(true);
    }

    @Test
    void everyFiniteF16ConvertsLikeLibtorch() {
        ByteBuffer bits = ByteBuffer.allocateDirect(65536 * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 65536; i++) {
            bits.putShort(i * 2, (short) i);
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] expected = m.create(bits, new Shape(65536), DataType.FLOAT16).toType(DataType.FLOAT32, false).toFloatArray();
            int checked = 0;
            for (int i = 0; i < 65536; i++) {
                if ((i & 0x7C00) == 0x7C00) {
                    continue; // infinities and NaNs: HalfProjection.of refuses weights with them
                }
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(HalfMatVec.f16((short) i)),
                        "F16 bits 0x" + Integer.toHexString(i));
                checked++;
            }
            assertEquals(63488, checked, "normal, subnormal and zero values of both signs");
        }
    }

    @Test
    void productsMatchLibtorchForEveryRowCountWithBiasAndUnevenWidths() {
        // widths below, at and past the vector length, with tails; 1536 x 576 is split over the worker threads
        int[][] shapes = {{48, 32}, {40, 172}, {7, 100}, {1536, 576}};
        Random random = new Random(7);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int[] s : shapes) {
                int out = s[0];
                int in = s[1];
                NDArray weightHalf = m.randomNormal(0f, 0.05f, new Shape(out, in), DataType.FLOAT32).toType(DataType.FLOAT16, false);
                NDArray biasHalf = m.randomNormal(0f, 0.1f, new Shape(out), DataType.FLOAT32).toType(DataType.FLOAT16, false);
                NDArray weight = weightHalf.toType(DataType.FLOAT32, false);
                NDArray bias = biasHalf.toType(DataType.FLOAT32, false);
                HalfProjection withBias = HalfProjection.copyOf(weight, bias);
                HalfProjection plain = HalfProjection.copyOf(weight, null);
                assertNotNull(withBias);
                for (int rows = 1; rows <= 8; rows++) {
                    float[] xv = new float[rows * in];
                    for (int i = 0; i < xv.length; i++) {
                        xv[i] = (float) random.nextGaussian();
                    }
                    try (NDManager step = m.newSubManager()) {
                        NDArray x = step.create(xv, new Shape(1, rows, in));
                        float[] got = withBias.forward(x, null, 2).toFloatArray();
                        float[] expected = Torch.linear(x, weight, bias).toFloatArray();
                        assertClose(expected, got, 2e-5, out + "x" + in + " with bias, " + rows + " rows");
                        NDArray y = plain.forward(x, null, 2);
                        assertEquals(new Shape(1, rows, out), y.getShape());
                        assertClose(Torch.linear(x, weight, null).toFloatArray(), y.toFloatArray(), 2e-5,
                                out + "x" + in + ", " + rows + " rows");
                    }
                }
            }
        }
    }

    @Test
    void largeAndTinyActivationsComeOutAsLibtorchComputesThem() {
        // the kernels scale activations by 2^112; from 2^14 on by less, or they would overflow
        float[][] magnitudes = {{1e-30f, 1e-20f}, {3e4f, 1e5f}, {1e30f, 1f}};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.randomNormal(0f, 0.05f, new Shape(100, 64), DataType.FLOAT32)
                    .toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
            HalfProjection kernel = HalfProjection.copyOf(weight, null);
            assertNotNull(kernel);
            Random random = new Random(11);
            for (float[] pair : magnitudes) {
                float[] xv = new float[2 * 64];
                for (int i = 0; i < xv.length; i++) {
                    xv[i] = (float) random.nextGaussian() * pair[i / 64];
                }
                NDArray x = m.create(xv, new Shape(2, 1, 64));
                float[] expected = Torch.linear(x, weight, null).toFloatArray();
                float[] got = kernel.forward(x, null, 1).toFloatArray();
                for (int row = 0; row < 2; row++) {
                    float[] e = Arrays.copyOfRange(expected, row * 100, row * 100 + 100);
                    float[] g = Arrays.copyOfRange(got, row * 100, row * 100 + 100);
                    double scale = 0;
                    for (float v : e) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int i = 0; i < 100; i++) {
                        assertTrue(Float.isFinite(g[i]) && Math.abs(e[i] - g[i]) <= 1e-5 * scale,
                                "activations of about " + pair[row] + ": element " + i + " is " + g[i] + ", expected " + e[i]);
                    }
                }
            }
        }
    }

    @Test
    void weightsBeyondHalfRangeAreLeftToLibtorch() {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM model = LlamaForCausalLM.random(TinyCheckpoints.qwen2(), 5, root)) {
            Linear q = model.linears().get(0);
            float[] w = q.weight.toFloatArray();
            w[3] = 1e6f;
            q.weight.set(w);
            model.setHalfPrecisionInference(true);
            assertNull(q.kernel, "infinite in F16");
            assertNotNull(q.weightHalf, "libtorch's F16 copy instead");
            assertNotNull(model.linears().get(1).kernel, "the other projections keep the kernels");
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] w = new float[64 * 32];
            Arrays.fill(w, 0.01f);
            w[100] = 1e6f; // past F16's 65504: infinite in F16
            assertNull(HalfProjection.copyOf(m.create(w, new Shape(64, 32)), null));
            NDArray fine = m.create(new float[64 * 32], new Shape(64, 32));
            assertNotNull(HalfProjection.copyOf(fine, null));
            HalfProjection.setEnabled(false);
            assertNull(HalfProjection.copyOf(fine, null), "turned off, nothing is served");
        }
    }

    /**
     * A batch whose rows use adapter A, no adapter and adapter B gives, row by row, what F32 inference with the same
     * (F16-representable) weights gives: bias, LoRA routing and products together, decoding and a short prefill.
     */
    @Test
    void aMixedBatchDecodesLikeF32InferenceRowByRow() {
        for (LlamaConfig config : TinyCheckpoints.all()) {
            try (NDManager root = NDManager.newBaseManager("PyTorch");
                    LlamaForCausalLM model = LlamaForCausalLM.random(config, 3, root)) {
                roundToHalf(model);
                try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.defaults("tiny"), 11);
                        LoraAdapter b = LoraAdapter.create(model, new LoraConfig(4, 8, 0.0, List.of("q_proj", "v_proj", "down_proj"), "tiny"), 12)) {
                    LoraAdapterTest.perturb(a, 1);
                    LoraAdapterTest.perturb(b, 2);
                    // the kernels read adapters in F16 too (scalings of 2 keep the scaled B representable)
                    roundToHalf(a.parameters());
                    roundToHalf(b.parameters());
                    List<LoraAdapter> perRow = Arrays.asList(a, null, b);
                    long[][] prefill = {{1, 5, 9}, {1, 7, 3}, {1, 12, 4}}; // 9 rows: past the kernels' 8, libtorch
                    long[][] decode = {{20}, {21}, {22}};
                    long[][] shortPrompt = {{1, 30}, {1, 31}, {1, 32}}; // 6 rows: the kernels
                    model.setHalfPrecisionInference(true);
                    float[][] kernel = {run(model, perRow, prefill, decode), run(model, perRow, shortPrompt, null)};
                    model.setHalfPrecisionInference(false);
                    float[][] f32 = {run(model, perRow, prefill, decode), run(model, perRow, shortPrompt, null)};
                    for (int i = 0; i < 2; i++) {
                        assertClose(f32[i], kernel[i], 1e-4, config.architecture() + (i == 0 ? " decoding" : " short prompt"));
                    }
                }
            }
        }
    }

    /** Logits of the last call: {@code first}, then {@code then} on its cache when given. */
    private static float[] run(LlamaForCausalLM model, List<LoraAdapter> perRow, long[][] first, long[][] then) {
        try (NDManager s = model.manager().newSubManager();
                KvCache cache = new KvCache(s, model.config().numHiddenLayers());
                AdapterBatch ab = AdapterBatch.of(s, perRow)) {
            NDArray logits = model.inferenceLogits(model.hiddenStates(s.create(first), null, cache, ab.routing(), false));
            if (then != null) {
                logits = model.inferenceLogits(model.hiddenStates(s.create(then), null, cache, ab.routing(), false));
            }
            return logits.toFloatArray();
        }
    }

    /** Rounds every weight through F16, so F32 inference and the F16 kernels read the same values. */
    private static void roundToHalf(LlamaForCausalLM model) {
        roundToHalf(model.stateDict().values());
    }

    private static void roundToHalf(java.util.Collection<NDArray> tensors) {
        for (NDArray w : tensors) {
            try (NDArray rounded = w.toType(DataType.FLOAT16, false);
                    NDArray back = rounded.toType(DataType.FLOAT32, false)) {
                w.set(back.toFloatArray());
            }
        }
    }

    /** The adapters' F16 rounding is libtorch's: every F16 value, the halfway points between them, and random floats. */
    @Test
    void adapterValuesRoundToF16AsLibtorchRoundsThem() {
        Random random = new Random(5);
        float[] values = new float[3 * 65536 + 200_000];
        int n = 0;
        for (int h = 0; h < 65536; h++) {
            if ((h & 0x7C00) == 0x7C00) {
                continue;
            }
            float v = HalfMatVec.f16((short) h);
            values[n++] = v;
            values[n++] = Math.nextUp(v);
            // halfway to the next F16 value up (exactly representable in F32), where ties go to even
            values[n++] = v + (HalfMatVec.f16((short) (h + 1)) - v) / 2;
        }
        for (int i = 0; i < 200_000; i++) {
            values[n++] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(14) - 9));
        }
        values = Arrays.copyOf(values, n);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                NDArray f16 = m.create(values).toType(DataType.FLOAT16, false)) {
            short[] expected = new short[n];
            f16.toByteBuffer(true).order(ByteOrder.nativeOrder()).asShortBuffer().get(expected);
            for (int i = 0; i < n; i++) {
                if ((expected[i] & 0x7C00) == 0x7C00) {
                    assertEquals(0x7C00, LoraDelta.toHalf(values[i]) & 0x7C00, "beyond F16's range: " + values[i]);
                    continue;
                }
                assertEquals(expected[i], LoraDelta.toHalf(values[i]), "F16 bits of " + values[i]);
            }
        }
    }

    /** Adapters are read in F16, except a matrix with a value F16 cannot hold, which the kernels read in F32. */
    @Test
    void anAdapterTooLargeForF16IsReadInF32() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.randomNormal(0f, 0.05f, new Shape(64, 32), DataType.FLOAT32);
            NDArray a = m.randomNormal(0f, 0.1f, new Shape(4, 32), DataType.FLOAT32);
            NDArray bT = m.randomNormal(0f, 1f, new Shape(4, 64), DataType.FLOAT32);
            roundToHalf(List.of(weight, a, bT));
            bT.set(new NDIndex("0, 5"), 1e5f);
            LoraDelta d = LoraDelta.of(new LoraAdapter.Pair(a, bT), 4, 2f);
            assertNotNull(d.aHalf(), "A fits in F16");
            assertNull(d.btHalf(), "1e5 * 2 does not");
            HalfProjection p = HalfProjection.copyOf(weight, null);
            NDArray x = m.randomNormal(0f, 1f, new Shape(1, 1, 32), DataType.FLOAT32);
            float[] got = p.forward(x, new LoraDelta[] {d}, 2).toFloatArray();
            float[] expected = Torch.linear(x, weight, null).add(x.matMul(a.transpose()).matMul(bT).mul(2f)).toFloatArray();
            assertClose(expected, got, 1e-5, "F32 adapter in the kernels");
        }
    }

    @Test
    void aFailingShareIsRethrownAndThePoolStaysUsable() {
        KernelThreads pool = KernelThreads.shared(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(1024, 16, 1L << 20, (from, to) -> {
            if (from > 0) {
                throw new IllegalStateException("share from " + from);
            }
        }));
        assertEquals("share from 512", e.getMessage());
        int[] covered = new int[1024];
        pool.run(1024, 16, 1L << 20, (from, to) -> {
            for (int j = from; j < to; j++) {
                covered[j]++;
            }
        });
        assertTrue(Arrays.stream(covered).allMatch(c -> c == 1), "every output once");
    }

    @Test
    void concurrentCallersGetTheirOwnProducts() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.randomNormal(0f, 0.05f, new Shape(768, 256), DataType.FLOAT32)
                    .toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
            HalfProjection p = HalfProjection.copyOf(weight, null);
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                List<Future<Double>> diffs = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    diffs.add(callers.submit(() -> {
                        double worst = 0;
                        try (NDManager own = m.newSubManager()) {
                            for (int i = 0; i < 50; i++) {
                                NDArray x = own.randomNormal(0f, 1f, new Shape(1, 2, 256), DataType.FLOAT32);
                                float[] got = p.forward(x, null, 2).toFloatArray();
                                float[] expected = Torch.linear(x, weight, null).toFloatArray();
                                for (int j = 0; j < got.length; j++) {
                                    worst = Math.max(worst, Math.abs(got[j] - expected[j]));
                                }
                            }
                        }
                        return worst;
                    }));
                }
                for (Future<Double> d : diffs) {
                    assertTrue(d.get() < 1e-4, "max difference " + d.get());
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void theDecodeThreadRunsLibtorchSingleThreadedAndRethrows() {
        int callerThreads = JniUtils.getNumThreads();
        assertEquals(1, DecodeThread.call(JniUtils::getNumThreads));
        assertEquals(callerThreads, JniUtils.getNumThreads(), "the caller keeps its own count");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodeThread.call(() -> {
                    throw new IllegalArgumentException("bad step");
                }));
        assertEquals("bad step", e.getMessage());
        assertSame(Boolean.TRUE, DecodeThread.call(() -> Boolean.TRUE), "still serving after a failure");
    }

    private static void assertClose(float[] expected, float[] got, double tolerance, String what) {
        assertEquals(expected.length, got.length, what);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs(expected[i] - got[i]);
            assertTrue(diff <= tolerance * Math.max(1, scale),
                    what + ": element " + i + " is " + got[i] + ", expected " + expected[i] + " (scale " + scale + ")");
        }
    }
}
