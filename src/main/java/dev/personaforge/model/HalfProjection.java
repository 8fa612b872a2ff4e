package dev.personaforge.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A projection's F16 weights (and bias) prepared for {@link HalfMatVec}: decoding a few rows, with each row's
 * LoRA delta added in the same pass, so a base row and a tuned row together read the base weights once.
 *
 * <p>The kernels need the JVM started with {@code --add-modules jdk.incubator.vector} (the README's commands
 * do); without it {@link #available()} is false and the engine multiplies through libtorch as before.
 */
final class HalfProjection {
    private static final boolean AVAILABLE = detect();

    /** The F16 tensor the buffer views; kept so its memory lives as long as this projection. */
    final NDArray weight;
    private final ByteBuffer weights;
    private final int out;
    private final int in;
    private final float[] bias;

    private HalfProjection(NDArray weight, ByteBuffer weights, float[] bias) {
        this.weight = weight;
        this.weights = weights;
        this.out = Math.toIntExact(weight.getShape().get(0));
        this.in = Math.toIntExact(weight.getShape().get(1));
        this.bias = bias;
    }

    private static volatile boolean enabled = AVAILABLE;

    /** True when the vector API is there (and this CPU has vectors of at least 128 bits), unless turned off. */
    static boolean available() {
        return enabled;
    }

    /**
     * Turns the kernels off (libtorch multiplies instead) or back on where the vector API is there, e.g. to compare
     * the two; returns whether they are on now.
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
     * The kernel view of an F16 weight on the CPU, or null where the kernels cannot serve it: no vector API,
     * another device, or a weight beyond F16's range (infinite or NaN), which the kernels' conversion reads
     * wrongly.
     *
     * @param weightHalf (out, in) F16
     * @param biasHalf (out) F16, or null
     */
    static HalfProjection of(NDArray weightHalf, NDArray biasHalf) {
        if (!enabled || weightHalf == null || weightHalf.getDataType() != DataType.FLOAT16
                || !weightHalf.getDevice().equals(Device.cpu()) || weightHalf.getShape().dimension() != 2
                || weightHalf.getShape().size() > Integer.MAX_VALUE / 2) {
            return null;
        }
        ByteBuffer view = weightHalf.toByteBuffer(true);
        if (!view.isDirect()) {
            return null;
        }
        view.order(ByteOrder.nativeOrder());
        if (HalfMatVec.anyNonFinite(view, Math.toIntExact(weightHalf.getShape().size()))) {
            return null;
        }
        float[] bias = biasHalf == null ? null : biasHalf.toType(DataType.FLOAT32, false).toFloatArray();
        return new HalfProjection(weightHalf, view, bias);
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
        float[] ys = new float[rows * out];
        float[][] downs = new float[rows][];
        LoraDelta[] rowDeltas = new LoraDelta[rows];
        if (deltas != null) {
            for (int r = 0; r < rows; r++) {
                LoraDelta d = deltas[r / perEntry];
                if (d != null) {
                    rowDeltas[r] = d;
                    downs[r] = new float[d.rank()];
                    HalfMatVec.down(d.a(), d.rank(), in, xs, r * in, downs[r]);
                }
            }
        }
        KernelThreads.shared(threads).run(out, HalfMatVec.lanes(), (long) out * in * rows, (from, to) -> {
            HalfMatVec.multiply(weights, in, xs, rows, ys, out, from, to);
            for (int r = 0; r < rows; r++) {
                if (bias != null) {
                    for (int j = from; j < to; j++) {
                        ys[r * out + j] += bias[j];
                    }
                }
                if (rowDeltas[r] != null) {
                    HalfMatVec.up(rowDeltas[r].bt(), rowDeltas[r].rank(), out, downs[r], ys, r * out, from, to);
                }
            }
        });
        NDArray y = x.getManager().create(new Shape(outShape(shape)), DataType.FLOAT32); // (B, T, out)
        y.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().put(ys);
        return y;
    }

    /**
     * The projection made for the F16 tensor a holder last asked with, remade when the tensor changes (half
     * precision turned off and on again); remembers too that a tensor cannot be served, so that is checked once.
     */
    static final class Slot {
        private record Made(NDArray source, HalfProjection projection) {}

        private volatile Made made;

        /** {@link HalfProjection#of}, cached for the same {@code weightHalf}. */
        HalfProjection of(NDArray weightHalf, NDArray biasHalf) {
            if (!enabled) {
                return null;
            }
            Made m = made;
            if (m == null || m.source != weightHalf) {
                m = new Made(weightHalf, HalfProjection.of(weightHalf, biasHalf));
                made = m;
            }
            return m.projection;
        }
    }

    private long[] outShape(Shape shape) {
        long[] dims = shape.getShape().clone(); // DJL hands out the Shape's own array
        dims[dims.length - 1] = out;
        return dims;
    }
}
