package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** Per-call inputs to a forward pass that every layer needs: RoPE tables, attention mask, cache, adapters. */
final class ForwardContext {
    /** (B, 1, T, hd) */
    final NDArray cos;
    /** (B, 1, T, hd) */
    final NDArray sin;
    /** (B, 1, T, S) additive: 0 where attention is allowed, a large negative number elsewhere. */
    final NDArray mask;
    final KvCache cache;
    final LoraRouting lora;
    final boolean training;

    /** The last input converted to F16 and its conversion: q/k/v (and gate/up) share one input. */
    private NDArray halfSource;
    private NDArray halfValue;

    /** {@code x} in F16, converted once however many projections read it. */
    NDArray half(NDArray x) {
        if (x != halfSource) {
            halfSource = x;
            halfValue = x.toType(ai.djl.ndarray.types.DataType.FLOAT16, false); // same shape, F16
        }
        return halfValue;
    }

    ForwardContext(NDArray cos, NDArray sin, NDArray mask, KvCache cache, LoraRouting lora, boolean training) {
        this.cos = cos;
        this.sin = sin;
        this.mask = mask;
        this.cache = cache;
        this.lora = lora;
        this.training = training;
    }
}
