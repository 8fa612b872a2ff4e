package dev.personaforge.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.ByteBuffer;

/**
 * The few libtorch entry points the engine needs beyond the {@link NDArray} API, and the one place
 * that forces DJL offline before the engine is touched.
 *
 * <p>Results of {@link #linear} and {@link #embedding} are attached to the manager of the input
 * activations, never to the weights' manager, so per-step scopes own everything a forward creates.
 */
public final class Torch {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    private Torch() {}

    private static volatile boolean configured;

    /**
     * Initialises the PyTorch engine (offline) and returns its name. Re-applies the intra-op thread
     * count once, because libtorch's set_num_threads also turns MKL's dynamic thread adjustment
     * off: with it on, a busy machine changes BLAS summation order and runs stop being reproducible.
     */
    public static String init() {
        String name = Engine.getEngine("PyTorch").getEngineName();
        if (!configured) {
            synchronized (Torch.class) {
                if (!configured) {
                    String threads = System.getProperty("forge.torch.threads");
                    kernelThreads = threads != null ? Integer.parseInt(threads) : JniUtils.getNumThreads();
                    JniUtils.setNumThreads(kernelThreads);
                    if (HalfProjection.available()) {
                        DecodeThread.start(kernelThreads);
                    }
                    configured = true;
                }
            }
        }
        return name;
    }

    /** Sets libtorch's intra-op thread count (default: the number of cores, or {@code -Dforge.torch.threads}). */
    public static void setThreads(int threads) {
        init();
        JniUtils.setNumThreads(threads);
        kernelThreads = threads;
    }

    private static volatile int kernelThreads = 1;

    /**
     * True when half-precision decoding multiplies with the engine's vector kernels ({@link HalfMatVec}), which
     * needs the JVM started with {@code --add-modules jdk.incubator.vector}; false when it goes through libtorch.
     */
    public static boolean vectorKernels() {
        return HalfProjection.available();
    }

    /** Turns the vector kernels off (decoding goes through libtorch) or back on where the JVM has the vector API. */
    public static boolean setVectorKernels(boolean on) {
        return HalfProjection.setEnabled(on);
    }

    /** Threads for the engine's own Java kernels ({@link HalfMatVec}): libtorch's intra-op count as last set. */
    static int kernelThreads() {
        init();
        return kernelThreads;
    }

    /** libtorch's intra-op thread count. */
    public static int threads() {
        init();
        return JniUtils.getNumThreads();
    }

    /** {@code torch.nn.functional.linear}: {@code x @ w.T + b}, with {@code w} in (out, in) layout. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /**
     * {@code linear} with F16 weights on an F32 input, returning F32: half the bytes to read per token, which is
     * what batch-1 decoding on a CPU waits for.
     */
    public static NDArray linearHalf(NDArray x, NDArray wHalf, NDArray bHalf) {
        return linearOnHalf(x.toType(ai.djl.ndarray.types.DataType.FLOAT16, false), wHalf, bHalf); // (B, T, out)
    }

    /** {@link #linearHalf} for an input already in F16. */
    public static NDArray linearOnHalf(NDArray xHalf, NDArray wHalf, NDArray bHalf) {
        NDArray y = xHalf.getNDArrayInternal().linear(xHalf, wHalf, bHalf).singletonOrThrow(); // (B, T, out) F16
        return y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false); // (B, T, out)
    }

    /** {@code torch.nn.functional.embedding}: rows of {@code weight} at {@code ids}. */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return ids.getNDArrayInternal().embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
    }

    private static final ThreadLocal<MaskRandom> MASK_RANDOM = ThreadLocal.withInitial(() -> new MaskRandom(0));

    /** xoroshiro128++ (Blackman and Vigna) seeded through SplitMix64: draws each mask's seed for {@link #fillKeep}. */
    private static final class MaskRandom {
        private long s0;
        private long s1;

        MaskRandom(long seed) {
            s0 = splitMix(seed);
            s1 = splitMix(seed + 0x9E3779B97F4A7C15L);
        }

        static long splitMix(long x) {
            long z = x + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        long nextLong() {
            long a = s0;
            long b = s1;
            long result = Long.rotateLeft(a + b, 17) + a;
            b ^= a;
            s0 = Long.rotateLeft(a, 49) ^ b ^ (b << 21);
            s1 = Long.rotateLeft(b, 28);
            return result;
        }
    }

    /**
     * {@code x * s} through a scalar tensor that libtorch allocates. DJL's {@code mul(Number)} wraps a Java direct
     * buffer for the scalar and closes it right after the op, but autograd keeps that tensor for the backward pass:
     * once the garbage collector frees the buffer, the backward reads whatever lies there (huge or infinite
     * gradients, seen under memory pressure). Use this for every scalar product that autograd may record.
     */
    public static NDArray mul(NDArray x, float s) {
        try (NDArray scalar = x.getManager().full(new Shape(), s, x.getDataType())) {
            return x.mul(scalar);
        }
    }

    /**
     * A boolean mask of {@code shape} that keeps each element with probability {@code 1 - p} (p rounded to
     * 1/65536), drawn from this thread's generator (see {@link #seed}); selecting by it and scaling by
     * {@code 1 / (1 - p)} is inverted dropout. Drawn in Java because libtorch's CPU {@code bernoulli_} costs about
     * 10 ns per element, which made LoRA dropout a fifth of a training step; {@link #fillKeep} takes 0.14 ns per
     * element on the vector API (1.4 ns without it). The mask is a libtorch-owned copy:
     * autograd keeps it for the backward pass, possibly after {@code manager} has closed its Java handle.
     */
    public static NDArray keepMask(NDManager manager, Shape shape, float p) {
        int n = Math.toIntExact(shape.size());
        int threshold = Math.round(p * 65536f);
        byte[] keep = new byte[n];
        fillKeep(keep, 0, n, MASK_RANDOM.get().nextLong(), threshold, VECTOR_MASKS);
        try (NDArray wrapped = manager.create(ByteBuffer.wrap(keep), shape, DataType.BOOLEAN)) {
            return wrapped.duplicate(); // shape, bool
        }
    }

    /** Bytes of a mask drawn per step of the eight generators of {@link #fillKeep}. */
    static final int MASK_BLOCK = 32;

    /** Whether the JVM has the vector API for {@link KeepMaskVector}. */
    private static final boolean VECTOR_MASKS = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /**
     * Sets {@code keep[from, to)} to 1 with probability {@code 1 - threshold / 65536}, else 0, from eight
     * xoroshiro128++ generators seeded from {@code seed}; with {@code vector}, whole blocks of 32 bytes go through
     * {@link KeepMaskVector}, which gives the same bytes.
     */
    static void fillKeep(byte[] keep, int from, int to, long seed, int threshold, boolean vector) {
        long[] s0 = new long[8];
        long[] s1 = new long[8];
        for (int g = 0; g < 8; g++) {
            s0[g] = MaskRandom.splitMix(seed + (2L * g) * 0x9E3779B97F4A7C15L);
            s1[g] = MaskRandom.splitMix(seed + (2L * g + 1) * 0x9E3779B97F4A7C15L);
        }
        int at = from;
        if (vector) {
            int blocks = (to - from) / MASK_BLOCK;
            KeepMaskVector.fill(keep, from, blocks, s0, s1, threshold);
            at += blocks * MASK_BLOCK;
        }
        for (; at < to; at += MASK_BLOCK) {
            for (int g = 0; g < 8; g++) {
                long a = s0[g];
                long b = s1[g];
                long bits = Long.rotateLeft(a + b, 17) + a;
                b ^= a;
                s0[g] = Long.rotateLeft(a, 49) ^ b ^ (b << 21);
                s1[g] = Long.rotateLeft(b, 28);
                for (int q = 0; q < 4; q++) {
                    int e = at + 4 * g + q;
                    if (e < to) {
                        // (threshold - 1 - u) is negative exactly when u >= threshold: its sign bit is the keep flag
                        keep[e] = (byte) ((threshold - 1 - ((bits >>> (16 * q)) & 0xffff)) >>> 63);
                    }
                }
            }
        }
    }

    /** Enables or disables autograd recording for the calling thread (libtorch grad mode is thread-local). */
    public static boolean setGradMode(boolean enabled) {
        init();
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
        return previous;
    }

    /** Back-propagates a scalar loss into the {@code .grad} of every leaf that requires it. */
    public static void backward(NDArray loss) {
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
        }
    }

    /** Back-propagates {@code grad} (same shape as {@code output}) through {@code output}'s graph. */
    public static void backward(NDArray output, NDArray grad) {
        JniUtils.backward((PtNDArray) output, (PtNDArray) grad, false, false);
    }

    /** Zeroes a leaf's accumulated gradient in place. */
    public static void zeroGrad(NDArray param) {
        JniUtils.zeroGrad((PtNDArray) param);
    }

    /** Seeds libtorch's global CPU generator (random init) and this thread's LoRA dropout-mask generator. */
    public static void seed(long seed) {
        init();
        JniUtils.setSeed(seed);
        MASK_RANDOM.set(new MaskRandom(seed));
    }
}
