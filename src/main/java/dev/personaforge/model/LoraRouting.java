package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** Adds LoRA deltas to a projection's output for the rows of a batch that use an adapter. */
interface LoraRouting {
    /**
     * Returns {@code y} plus the adapter contribution for {@code x}.
     *
     * @param x input activations (B, T, in)
     * @param y base projection output (B, T, out)
     */
    NDArray apply(Linear module, NDArray x, NDArray y, boolean training);

    /**
     * The same deltas for {@link HalfProjection}: one entry per batch row, null for rows without an adapter on
     * {@code module}; null when no row has one. Made once per batch and module, so adapters must not change
     * while a batch decodes.
     */
    LoraDelta[] kernelDeltas(Linear module);
}
