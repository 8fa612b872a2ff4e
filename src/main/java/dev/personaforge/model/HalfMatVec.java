package dev.personaforge.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ShortBuffer;

/**
 * Products of a few F32 activation rows with an F16 weight matrix on Java's vector API, reading each weight
 * once for all rows.
 *
 * <p>libtorch's CPU kernels for F16 read and convert the weights once per row, so a batch of two costs about
 * 1.6 times one. Decoding is bound by reading the weights; here a second row adds one multiply-add per weight
 * vector and costs a few percent. The weights are F16 bits in a Java array (reading them from libtorch's memory
 * through a direct buffer was 10 to 25 % slower), laid out in tiles of {@link #TILE} outputs: for each input
 * feature a tile holds its weights to those outputs side by side, so an activation is broadcast once per tile
 * and every weight vector feeds one multiply-add per row. (Dot products along the rows of the weight matrix
 * load a vector of activations per weight vector and row; their second row cost 25 to 40 % more.) Activations
 * and sums stay in F32, so the result is the F32 product of the F16 weights to within summation order.
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
    /** Outputs computed together: four vectors of accumulators per row. */
    static final int TILE = 4 * LANES;
    /** F16 exponent and mantissa bits moved to where F32 keeps them read as the F16 value times 2^-112. */
    private static final float F16_SCALE = 0x1p112f;
    /** Sign, low exponent bits and mantissa of an F16 shifted left by 13 (the sign-extended bits cleared). */
    private static final int F16_BITS = 0x8FFFE000;
    /** Activations up to this size are scaled by the whole 2^112; larger ones by less, so they stay finite. */
    private static final int LARGEST_FULLY_SCALED = 13;

    private HalfMatVec() {}

    /** The number of F32 lanes this CPU's preferred vectors hold. */
    static int lanes() {
        return LANES;
    }

    /** {@code out} rounded up to whole tiles: the row stride of the products. */
    static int paddedOut(int out) {
        return (out + TILE - 1) / TILE * TILE;
    }

    /**
     * The (out, in) row-major F16 bits in {@code rows} laid out in tiles for {@link #multiply}: weight (j, k) at
     * {@code ((j / TILE) * in + k) * TILE + j % TILE}, the last tile padded with zeros.
     */
    static short[] tiled(ShortBuffer rows, int out, int in) {
        short[] tiles = new short[paddedOut(out) * in];
        short[] row = new short[in];
        for (int j = 0; j < out; j++) {
            rows.get(j * in, row);
            int at = (j / TILE) * in * TILE + j % TILE;
            for (int k = 0; k < in; k++, at += TILE) {
                tiles[at] = row[k];
            }
        }
        return tiles;
    }

    /**
     * Copies {@code n} activations to {@code scaled}, multiplied by 2^112 so that the kernels can read F16 bits
     * as the F16 value times 2^-112 without a multiply per weight; returns what the products must be multiplied
     * by afterwards (1 unless an activation is 2^14 or larger, which is then scaled by less to stay finite).
     * The scaling is by powers of two, so products and sums round as unscaled ones would.
     */
    static float prescale(float[] x, int n, float[] scaled) {
        float largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(x[i]));
        }
        int shift = Float.isFinite(largest) ? Math.max(0, Math.getExponent(largest) - LARGEST_FULLY_SCALED) : 0;
        float scale = Math.scalb(1f, 112 - shift);
        for (int i = 0; i < n; i++) {
            scaled[i] = x[i] * scale;
        }
        return Math.scalb(1f, shift);
    }

    /**
     * {@code y[r][j] = after * sum_k w[j][k] * x[r][k]} for the outputs of the tiles in {@code from <= j < to}.
     *
     * @param w tiled F16 bits, see {@link #tiled}
     * @param x (rows, in) activations from {@link #prescale}, row-major
     * @param after what {@link #prescale} returned
     * @param y (rows, stride) results, row-major, {@code stride} at least {@link #paddedOut}
     * @param from a multiple of {@link #TILE}
     * @param to a multiple of {@link #TILE}, at most {@code stride}
     */
    static void multiply(short[] w, int in, float[] x, int rows, float after, float[] y, int stride, int from, int to) {
        for (int t = from / TILE; t < to / TILE; t++) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                twoRows(w, in, x, r, after, y, stride, t);
            }
            if (r < rows) {
                oneRow(w, in, x, r, after, y, stride, t);
            }
        }
    }

    /** F16 weights {@code i} to {@code i + LANES} as F32 values times 2^-112. */
    private static FloatVector weights(short[] w, int i) {
        IntVector bits = (IntVector) ShortVector.fromArray(S, w, i).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).lanewise(VectorOperators.AND, F16_BITS).reinterpretAsFloats();
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

    /** One F16 value (its raw bits) as a float, finite values only, as the kernels read it times 2^112. */
    static float f16(short bits) {
        return Float.intBitsToFloat((bits << 13) & F16_BITS) * F16_SCALE;
    }

    private static void oneRow(short[] w, int in, float[] x, int r, float after, float[] y, int stride, int t) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int xr = r * in;
        int p = t * in * TILE;
        for (int k = 0; k < in; k++, p += TILE) {
            FloatVector b = FloatVector.broadcast(F, x[xr + k]);
            a0 = weights(w, p).fma(b, a0);
            a1 = weights(w, p + LANES).fma(b, a1);
            a2 = weights(w, p + 2 * LANES).fma(b, a2);
            a3 = weights(w, p + 3 * LANES).fma(b, a3);
        }
        int o = r * stride + t * TILE;
        a0.mul(after).intoArray(y, o);
        a1.mul(after).intoArray(y, o + LANES);
        a2.mul(after).intoArray(y, o + 2 * LANES);
        a3.mul(after).intoArray(y, o + 3 * LANES);
    }

    private static void twoRows(short[] w, int in, float[] x, int r, float after, float[] y, int stride, int t) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int xa = r * in;
        int xb = xa + in;
        int p = t * in * TILE;
        for (int k = 0; k < in; k++, p += TILE) {
            FloatVector xak = FloatVector.broadcast(F, x[xa + k]);
            FloatVector xbk = FloatVector.broadcast(F, x[xb + k]);
            FloatVector w0 = weights(w, p);
            a0 = w0.fma(xak, a0);
            b0 = w0.fma(xbk, b0);
            FloatVector w1 = weights(w, p + LANES);
            a1 = w1.fma(xak, a1);
            b1 = w1.fma(xbk, b1);
            FloatVector w2 = weights(w, p + 2 * LANES);
            a2 = w2.fma(xak, a2);
            b2 = w2.fma(xbk, b2);
            FloatVector w3 = weights(w, p + 3 * LANES);
            a3 = w3.fma(xak, a3);
            b3 = w3.fma(xbk, b3);
        }
        int o = r * stride + t * TILE;
        a0.mul(after).intoArray(y, o);
        a1.mul(after).intoArray(y, o + LANES);
        a2.mul(after).intoArray(y, o + 2 * LANES);
        a3.mul(after).intoArray(y, o + 3 * LANES);
        o += stride;
        b0.mul(after).intoArray(y, o);
        b1.mul(after).intoArray(y, o + LANES);
        b2.mul(after).intoArray(y, o + 2 * LANES);
        b3.mul(after).intoArray(y, o + 3 * LANES);
    }

    /** F16 values {@code i} to {@code i + LANES} (finite) as exact F32 values. */
    private static FloatVector exactWeights(short[] w, int i) {
        return weights(w, i).mul(F16_SCALE);
    }

    /** {@link #down} for a matrix of F16 bits (finite values). */
    static void down(short[] a, int n, int in, float[] x, int xOffset, float[] d) {
        int wide = in - in % LANES;
        for (int i = 0; i < n; i++) {
            int ai = i * in;
            FloatVector acc = FloatVector.zero(F);
            int k = 0;
            for (; k < wide; k += LANES) {
                acc = exactWeights(a, ai + k).fma(FloatVector.fromArray(F, x, xOffset + k), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < in; k++) {
                sum += f16(a[ai + k]) * x[xOffset + k];
            }
            d[i] = sum;
        }
    }

    /** {@link #up} for a matrix of F16 bits (finite values). */
    static void up(short[] bt, int n, int out, float[] d, float[] y, int yOffset, int from, int to) {
        int wide = from + (to - from) - (to - from) % LANES;
        for (int i = 0; i < n; i++) {
            int bi = i * out;
            FloatVector di = FloatVector.broadcast(F, d[i]);
            int j = from;
            for (; j < wide; j += LANES) {
                exactWeights(bt, bi + j).fma(di, FloatVector.fromArray(F, y, yOffset + j)).intoArray(y, yOffset + j);
            }
            for (; j < to; j++) {
                y[yOffset + j] += f16(bt[bi + j]) * d[i];
            }
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
