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

    ForwardContext(NDArray cos, NDArray sin, NDArray mask, KvCache cache, LoraRouting lora, boolean training) {
        this.cos = cos;
        this.sin = sin;
        this.mask = mask;
        this.cache = cache;
        this.lora = lora;
        this.training = training;
    }
}
