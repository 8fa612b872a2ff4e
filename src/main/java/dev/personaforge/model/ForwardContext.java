package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

import java.util.HashMap;
import java.util.Map;

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

    private NDArray groupedMask;
    private int groupedRepeats;

    /**
     * The mask for grouped-query scores (see {@code LlamaAttention.groupQueries}): (B, 1, nRep * T, S), row
     * {@code r * T + t} being row t of {@link #mask}; made once per call, in the mask's manager.
     */
    NDArray groupedMask(int repeats) {
        if (repeats == 1) {
            return mask;
        }
        if (groupedMask == null || groupedRepeats != repeats) {
            groupedMask = mask.tile(new long[] {1, 1, repeats, 1}); // (B, 1, nRep * T, S)
            groupedRepeats = repeats;
        }
        return groupedMask;
    }

    private final Map<String, NDArray> blockMasks = new HashMap<>();

    /**
     * {@link #groupedMask(int)} for the query rows {@code [from, to)} and the first {@code keys} key positions: the
     * mask of one block of {@code LlamaAttention.queryBlocks}; made once per call and block.
     */
    NDArray groupedMask(int repeats, long from, long to, long keys) {
        if (from == 0 && to == mask.getShape().get(2) && keys == mask.getShape().get(3)) {
            return groupedMask(repeats);
        }
        return blockMasks.computeIfAbsent(repeats + ":" + from + ":" + to + ":" + keys, k -> {
            NDArray block = mask.get(":, :, {}:{}, :{}", from, to, keys); // (B, 1, Tb, Sb)
            return repeats == 1 ? block : block.tile(new long[] {1, 1, repeats, 1}); // (B, 1, nRep * Tb, Sb)
        });
    }

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
