package dev.personaforge.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * A projection's weights as F16 bits in a Java array (and its bias) for {@link HalfMatVec}: decoding a few rows,
 * with each row's LoRA delta added in the same pass, so a base row and a tuned row together read the base
 * weights once.
 *
 * <p>The kernels need the JVM started with {@code --add-modules jdk.incubator.vector} (the README's commands
 * do); without it {@link #available()} is false and the engine keeps F16 copies in libtorch and multiplies there.
 * The copies live on the Java heap, so a model whose F16 weights do not fit in the free heap keeps libtorch's.
 */
final class HalfProjection {
    private static final boolean AVAILABLE = detect();
    /** Heap left free after a copy, for everything else the app allocates. */
    private static final long HEAP_RESERVE = 256L << 20;

    /** F16 bits in {@link HalfMatVec}'s tiles. */
    private final short[] weights;
    private final int out;
    private final int stride;
    private final int in;
    private final float[] bias;

    private HalfProjection(short[] weights, int out, int in, float[] bias) {
        this.weights = weights;
        this.out = out;
        this.stride = HalfMatVec.paddedOut(out);
        this.in = in;
        this.bias = bias;
    }

    private static volatile boolean enabled = AVAILABLE;

    /** True when the vector API is there (and this CPU has vectors of at least 128 bits), unless turned off. */
    static boolean available() {
        return enabled;
    }

    /**
     * Turns the kernels off (models given half precision afterwards keep their F16 copies in libtorch) or back on
     * where the vector API is there, e.g. to compare the two; returns whether they are on now.
     */
    static boolean setEnabled(boolean on) {
        enabled = on && AVAILABLE;
        return enabled;
    }

    private static boolean detect() {
        if (Boolean.getBoolean("forge.kernels.off")) {
            return false;
        }
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            return false;
        }
        try {
            return HalfMatVec.lanes() >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * The F16 copy of an F32 weight (rounded by libtorch, as its own F16 copies are) for the kernels, or null where
     * they cannot serve it: kernels off, another device, no room on the heap, or a weight beyond F16's range
     * (infinite or NaN once rounded), which the kernels' conversion would read wrongly.
     *
     * @param weight (out, in) F32
     * @param bias (out) F32, or null; added in F32
     */
    static HalfProjection copyOf(NDArray weight, NDArray bias) {
        Shape shape = weight.getShape();
        if (!enabled || shape.dimension() != 2 || shape.size() > Integer.MAX_VALUE / 2
                || !weight.getDevice().equals(Device.cpu())) {
            return null;
        }
        int out = Math.toIntExact(shape.get(0));
        int in = Math.toIntExact(shape.get(1));
        long size = (long) HalfMatVec.paddedOut(out) * in;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (size > Integer.MAX_VALUE - 16 || free < size * 2 + HEAP_RESERVE) {
            return null;
        }
        short[] tiles;
        try (NDArray half = weight.toType(DataType.FLOAT16, true)) {
            tiles = HalfMatVec.tiled(half.toByteBuffer(true).order(ByteOrder.nativeOrder()).asShortBuffer(), out, in);
        }
        if (HalfMatVec.anyNonFinite(tiles, tiles.length)) {
            return null;
        }
        return new HalfProjection(tiles, out, in, bias == null ? null : bias.toFloatArray());
    }

    /**
     * {@code x @ weight.T + bias}, plus {@code B (A x) * scaling} for each row whose batch entry has a delta.
     *
     * @param x (B, T, in) F32, at most a few rows
     * @param deltas one per batch entry B (null entries and a null array for none)
     * @return (B, T, out) F32 in the manager of {@code x}
     */
    NDArray forward(NDArray x, LoraDelta[] deltas, int threads) {
        Shape shape = x.getShape();
        int rows = Math.toIntExact(shape.size() / in);
        int perEntry = Math.toIntExact(shape.dimension() == 3 ? shape.get(1) : 1);
        float[] xs = new float[rows * in];
        x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(xs);
        float[] ys = new float[rows * stride];
        float[][] downs = new float[rows][];
        LoraDelta[] rowDeltas = new LoraDelta[rows];
        if (deltas != null) {
            for (int r = 0; r < rows; r++) {
                LoraDelta d = deltas[r / perEntry];
                if (d != null) {
                    rowDeltas[r] = d;
                    downs[r] = new float[d.rank()];
                    if (d.aHalf() != null) {
                        HalfMatVec.down(d.aHalf(), d.rank(), in, xs, r * in, downs[r]);
                    } else {
                        HalfMatVec.down(d.a(), d.rank(), in, xs, r * in, downs[r]);
                    }
                }
            }
        }
        float after = HalfMatVec.prescale(xs, xs.length, xs);
        KernelThreads.shared(threads).run(stride, HalfMatVec.TILE, (long) out * in * rows, (from, to) -> {
            HalfMatVec.multiply(weights, in, xs, rows, after, ys, stride, from, to);
            int end = Math.min(to, out);
            for (int r = 0; r < rows && from < end; r++) {
                if (bias != null) {
                    for (int j = from; j < end; j++) {
                        ys[r * stride + j] += bias[j];
                    }
                }
                LoraDelta d = rowDeltas[r];
                if (d != null && d.btHalf() != null) {
                    HalfMatVec.up(d.btHalf(), d.rank(), out, downs[r], ys, r * stride, from, end);
                } else if (d != null) {
                    HalfMatVec.up(d.bt(), d.rank(), out, downs[r], ys, r * stride, from, end);
                }
            }
        });
        NDArray y = x.getManager().create(new Shape(outShape(shape)), DataType.FLOAT32); // (B, T, out)
        FloatBuffer into = y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            into.put(ys, r * stride, out);
        }
        return y;
    }

    private long[] outShape(Shape shape) {
        long[] dims = shape.getShape().clone(); // DJL hands out the Shape's own array
        dims[dims.length - 1] = out;
        return dims;
    }
}
