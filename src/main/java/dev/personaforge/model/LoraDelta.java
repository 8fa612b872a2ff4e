package dev.personaforge.model;

/**
 * One adapter's LoRA matrices for one projection, copied to F32 arrays for {@link HalfProjection}: the delta
 * {@code B (A x) * scaling} with the scaling folded into {@code bt}.
 *
 * @param a (rank, in) row-major, as PEFT's {@code lora_A}
 * @param bt (rank, out) row-major: PEFT's (out, rank) {@code lora_B} transposed and scaled
 */
record LoraDelta(float[] a, float[] bt, int rank) {

    static LoraDelta of(LoraAdapter.Pair pair, int rank, float scaling) {
        float[] a = pair.a.toFloatArray(); // (r, in)
        float[] bt = pair.bT.toFloatArray(); // (r, out)
        for (int i = 0; i < bt.length; i++) {
            bt[i] *= scaling;
        }
        return new LoraDelta(a, bt, rank);
    }
}
