package dev.personaforge.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products of a few F32 activation rows with an F16 weight matrix on Java's vector API, reading each weight
 * once for all rows.
 *
 * <p>libtorch's CPU kernels for F16 read and convert the weights once per row, so a batch of two costs about
 * 1.6 times one; decoding is bound by reading the weights, and here a second row costs a few percent. The
 * weights are F16 bits in a Java array (reading them from libtorch's memory through a direct buffer was 10 to 25 %
 * slower); activations and sums stay in F32, so the result is the F32 product of the F16 weights to within
 * summation order.
 *
 * <p>Only {@link HalfProjection} calls this class, and only after {@link HalfProjection#available()} said
 * that the JVM was started with {@code --add-modules jdk.incubator.vector}: loading it otherwise fails.
 */
final class HalfMatVec {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Shorts with as many lanes as {@link #F}: one F16 weight per F32 lane. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int LANES = F.length();
    /** F16 exponent and mantissa bits moved to where F32 keeps them read as the F16 value times 2^-112. */
    private static final float F16_SCALE = 0x1p112f;
    /** Sign, low exponent bits and mantissa of an F16 shifted left by 13 (the sign-extended bits cleared). */
    private static final int F16_BITS = 0x8FFFE000;
    /** Output features computed for every row before moving on, so their weights stay in the L1 cache. */
    private static final int BLOCK = 16;

    private HalfMatVec() {}

    /** The number of F32 lanes this CPU's preferred vectors hold. */
    static int lanes() {
        return LANES;
    }

    /**
     * {@code y[r][j] = sum_k w[j][k] * x[r][k]} for outputs {@code from <= j < to}.
     *
     * @param w (out, in) F16 weights as raw bits, row-major
     * @param x (rows, in) activations, row-major
     * @param y (rows, out) results, row-major
     */
    static void multiply(short[] w, int in, float[] x, int rows, float[] y, int out, int from, int to) {
        for (int j0 = from; j0 < to; j0 += BLOCK) {
            int j1 = Math.min(to, j0 + BLOCK);
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                twoRows(w, in, x, r, y, out, j0, j1);
            }
            if (r < rows) {
                oneRow(w, in, x, r, y, out, j0, j1);
            }
        }
    }

    private static FloatVector weights(short[] w, int index) {
        IntVector bits = (IntVector) ShortVector.fromArray(S, w, index).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).lanewise(VectorOperators.AND, F16_BITS)
                .reinterpretAsFloats().mul(F16_SCALE);
    }

    /** True when any of the first {@code count} F16 values is infinite or NaN (all exponent bits set). */
    static boolean anyNonFinite(short[] w, int count) {
        int wide = count - count % LANES;
        for (int i = 0; i < wide; i += LANES) {
            ShortVector bits = ShortVector.fromArray(S, w, i);
            if (bits.lanewise(VectorOperators.AND, (short) 0x7C00).eq((short) 0x7C00).anyTrue()) {
                return true;
            }
        }
        for (int i = wide; i < count; i++) {
            if ((w[i] & 0x7C00) == 0x7C00) {
                return true;
            }
        }
        return false;
    }

    /** One F16 value (its raw bits) as a float, finite values only, as {@link #weights} converts them. */
    static float f16(short bits) {
        return Float.intBitsToFloat((bits << 13) & F16_BITS) * F16_SCALE;
    }

    private static void oneRow(short[] w, int in, float[] x, int r, float[] y, int out, int j0, int j1) {
        int xr = r * in;
        int wide = in - in % (2 * LANES);
        for (int j = j0; j < j1; j++) {
            int wj = j * in;
            FloatVector a = FloatVector.zero(F);
            FloatVector b = FloatVector.zero(F);
            int k = 0;
            for (; k < wide; k += 2 * LANES) {
                a = weights(w, wj + k).fma(FloatVector.fromArray(F, x, xr + k), a);
                b = weights(w, wj + k + LANES).fma(FloatVector.fromArray(F, x, xr + k + LANES), b);
            }
            float sum = a.add(b).reduceLanes(VectorOperators.ADD);
            for (; k < in; k++) {
                sum += f16(w[wj + k]) * x[xr + k];
            }
            y[r * out + j] = sum;
        }
    }

    private static void twoRows(short[] w, int in, float[] x, int r, float[] y, int out, int j0, int j1) {
        int x0 = r * in;
        int x1 = x0 + in;
        int wide = in - in % (2 * LANES);
        for (int j = j0; j < j1; j++) {
            int wj = j * in;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector b1 = FloatVector.zero(F);
            int k = 0;
            for (; k < wide; k += 2 * LANES) {
                FloatVector wa = weights(w, wj + k);
                FloatVector wb = weights(w, wj + k + LANES);
                a0 = wa.fma(FloatVector.fromArray(F, x, x0 + k), a0);
                b0 = wb.fma(FloatVector.fromArray(F, x, x0 + k + LANES), b0);
                a1 = wa.fma(FloatVector.fromArray(F, x, x1 + k), a1);
                b1 = wb.fma(FloatVector.fromArray(F, x, x1 + k + LANES), b1);
            }
            float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
            float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
            for (; k < in; k++) {
                float wk = f16(w[wj + k]);
                s0 += wk * x[x0 + k];
                s1 += wk * x[x1 + k];
            }
            y[r * out + j] = s0;
            y[(r + 1) * out + j] = s1;
        }
    }

    /** {@code d[i] = sum_k a[i][k] * x[k]} for a (n, in) row-major F32 matrix: a LoRA down-projection. */
    static void down(float[] a, int n, int in, float[] x, int xOffset, float[] d) {
        int wide = in - in % LANES;
        for (int i = 0; i < n; i++) {
            int ai = i * in;
            FloatVector acc = FloatVector.zero(F);
            int k = 0;
            for (; k < wide; k += LANES) {
                acc = FloatVector.fromArray(F, a, ai + k).fma(FloatVector.fromArray(F, x, xOffset + k), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < in; k++) {
                sum += a[ai + k] * x[xOffset + k];
            }
            d[i] = sum;
        }
    }

    /**
     * {@code y[j] += sum_i bt[i][j] * d[i]} for {@code from <= j < to}, with {@code bt} the (n, out) transposed
     * LoRA up-projection: a LoRA delta added to one row of output.
     */
    static void up(float[] bt, int n, int out, float[] d, float[] y, int yOffset, int from, int to) {
        int wide = from + (to - from) - (to - from) % LANES;
        for (int i = 0; i < n; i++) {
            int bi = i * out;
            FloatVector di = FloatVector.broadcast(F, d[i]);
            int j = from;
            for (; j < wide; j += LANES) {
                FloatVector.fromArray(F, bt, bi + j).fma(di, FloatVector.fromArray(F, y, yOffset + j))
                        .intoArray(y, yOffset + j);
            }
            for (; j < to; j++) {
                y[yOffset + j] += bt[bi + j] * d[i];
            }
        }
    }
}
