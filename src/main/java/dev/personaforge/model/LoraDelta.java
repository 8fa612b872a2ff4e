package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.nio.ByteOrder;

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
        return new LoraDelta(a, bt, half(pair.a, a), half(pair.bT, bt), rank);
    }

    /** {@code values} (shaped like {@code like}) rounded to F16 by libtorch, or null if any becomes infinite. */
    private static short[] half(NDArray like, float[] values) {
        try (NDArray f32 = like.getManager().create(values, like.getShape());
                NDArray f16 = f32.toType(DataType.FLOAT16, false)) {
            short[] bits = new short[values.length];
            f16.toByteBuffer(true).order(ByteOrder.nativeOrder()).asShortBuffer().get(bits);
            for (short b : bits) {
                if ((b & 0x7C00) == 0x7C00) {
                    return null;
                }
            }
            return bits;
        }
    }
}
