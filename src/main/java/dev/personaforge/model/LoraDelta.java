package dev.personaforge.model;

/**
 * One adapter's LoRA matrices for one projection, copied out of libtorch for {@link HalfProjection} and for the
 * stacked per-row matrices of {@link AdapterBatch}: the delta {@code B (A x) * scaling} with the scaling folded into
 * {@code bt}.
 *
 * <p>The vector kernels read the F16 copies: decoding reads every adapter matrix once per token, and for the
 * side-by-side chat's tuned row that was a tenth of a step's reading (10 MB of F32 for smollm2-135m). Rounding the
 * adapter to F16 is the same rounding that half-precision inference applies to the base weights.
 *
 * @param a (rank, in) row-major, as PEFT's {@code lora_A}
 * @param bt (rank, out) row-major: PEFT's (out, rank) {@code lora_B} transposed and scaled
 * @param aHalf {@code a} as F16 bits; null when a value is too large for F16 (the kernels then read {@code a})
 * @param btHalf {@code bt} as F16 bits; null when a value is too large for F16
 */
record LoraDelta(float[] a, float[] bt, short[] aHalf, short[] btHalf, int rank) {

    static LoraDelta of(LoraAdapter.Pair pair, int rank, float scaling) {
        float[] a = pair.a.toFloatArray(); // (r, in)
        float[] bt = pair.bT.toFloatArray(); // (r, out)
        for (int i = 0; i < bt.length; i++) {
            bt[i] *= scaling;
        }
        return new LoraDelta(a, bt, half(a), half(bt), rank);
    }

    /**
     * {@code values} rounded to F16 bits, or null if any becomes infinite. Rounded here rather than by libtorch, which
     * would take two native calls per matrix each time a chat starts.
     */
    private static short[] half(float[] values) {
        short[] bits = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = toHalf(values[i]);
            if ((bits[i] & 0x7C00) == 0x7C00) {
                return null;
            }
        }
        return bits;
    }

    /** IEEE binary16 bits of {@code f}, rounded to nearest even (as libtorch's and the CPU's conversions round). */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0)); // infinity or a quiet NaN
        }
        int e = exponent - 127 + 15; // the F16 exponent field
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal
            }
            int shift = 14 - e; // F16 subnormals count units of 2^-24
            int full = mantissa | 0x800000;
            int half = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
                half++; // may become the smallest normal number, which is the right encoding
            }
            return (short) (sign | half);
        }
        int out = sign | (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (out & 1) != 0)) {
            out++; // a carry out of the mantissa raises the exponent, up to infinity
        }
        return (short) out;
    }
}
