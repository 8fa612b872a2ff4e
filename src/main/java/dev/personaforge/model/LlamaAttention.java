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

    /**
     * Groups the query heads that share a key/value head into one longer sequence, so grouped-query
     * attention is a plain batched matmul against the nKv key/value heads without copying them nRep
     * times (transformers' {@code repeat_kv} does the copy; the result is the same).
     */
    static NDArray groupQueries(NDArray q, int numKvHeads) {
        long b = q.getShape().get(0);
        long rows = q.getShape().get(1) / numKvHeads * q.getShape().get(2);
        return q.reshape(b, numKvHeads, rows, q.getShape().get(3)); // (B, nKv, nRep * T, hd)
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
        long s = k.getShape().get(2);
        // Scaling q rather than the scores touches hd values per position instead of S.
        NDArray grouped = groupQueries(Torch.mul(q, 1.0f / (float) Math.sqrt(headDim)), numKvHeads); // (B, nKv, nRep * T, hd)
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)); // (B, nKv, nRep * T, S)
        // In place on the matmul's own output (not a reshaped view, which autograd would copy): its backward
        // needs its inputs, not the scores.
        NDArray probs = scores.addi(ctx.groupedMask(numHeads / numKvHeads)).softmax(-1); // (B, nKv, nRep * T, S)
        NDArray out = probs.matMul(v).reshape(b, numHeads, t, headDim); // (B, nH, T, hd)
        out = out.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim); // (B, T, nH * hd)
        return oProj.forward(out, ctx); // (B, T, H)
    }
}
