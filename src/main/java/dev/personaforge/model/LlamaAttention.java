package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** Multi-head self-attention with grouped-query key/value heads, RoPE and an optional KV cache. */
public final class LlamaAttention {
    final int layerIdx;
    final int numHeads;
    final int numKvHeads;
    final int headDim;
    final Linear qProj;
    final Linear kProj;
    final Linear vProj;
    final Linear oProj;

    LlamaAttention(LlamaConfig config, int layerIdx, Linear qProj, Linear kProj, Linear vProj, Linear oProj) {
        this.layerIdx = layerIdx;
        this.numHeads = config.numAttentionHeads();
        this.numKvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
    }

    /** Repeats each key/value head {@code nRep} times so they line up with the query heads. */
    static NDArray repeatKv(NDArray x, int nRep) {
        return nRep == 1 ? x : x.repeat(1, nRep); // (B, nKv * nRep, S, hd)
    }

    NDArray forward(NDArray x, ForwardContext ctx) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = qProj.forward(x, ctx).reshape(b, t, numHeads, headDim).transpose(0, 2, 1, 3); // (B, nH, T, hd)
        NDArray k = kProj.forward(x, ctx).reshape(b, t, numKvHeads, headDim).transpose(0, 2, 1, 3); // (B, nKv, T, hd)
        NDArray v = vProj.forward(x, ctx).reshape(b, t, numKvHeads, headDim).transpose(0, 2, 1, 3); // (B, nKv, T, hd)
        q = LlamaRotaryEmbedding.applyRotary(q, ctx.cos, ctx.sin); // (B, nH, T, hd)
        k = LlamaRotaryEmbedding.applyRotary(k, ctx.cos, ctx.sin); // (B, nKv, T, hd)
        if (ctx.cache != null) {
            NDArray[] kv = ctx.cache.append(layerIdx, k, v);
            k = kv[0]; // (B, nKv, S, hd)
            v = kv[1]; // (B, nKv, S, hd)
        }
        int nRep = numHeads / numKvHeads;
        k = repeatKv(k, nRep); // (B, nH, S, hd)
        v = repeatKv(v, nRep); // (B, nH, S, hd)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0f / (float) Math.sqrt(headDim)); // (B, nH, T, S)
        NDArray probs = scores.add(ctx.mask).softmax(-1); // (B, nH, T, S)
        NDArray out = probs.matMul(v); // (B, nH, T, hd)
        out = out.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim); // (B, T, nH * hd)
        return oProj.forward(out, ctx); // (B, T, H)
    }
}
