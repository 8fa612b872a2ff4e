package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.Arrays;

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

    /** Query rows per block of {@link #queryBlocks}, and the most blocks a prompt is split into. */
    static final long BLOCK_ROWS = 64;
    static final int MAX_BLOCKS = 8;

    /**
     * Boundaries of the query blocks that attention computes one after another: a causal model's block of queries
     * needs the keys only up to its own last position, so splitting T queries into n blocks computes
     * (n + 1) / (2n) of the scores a single block would, most of which the mask would throw away. Blocks of about
     * 64 rows measured fastest for 256-token training batches (4 blocks: 6 % less time per step than 1; 8 blocks
     * were no faster than 4).
     */
    static long[] queryBlocks(long t) {
        int n = (int) Math.min(MAX_BLOCKS, Math.max(1, (t + BLOCK_ROWS - 1) / BLOCK_ROWS));
        long[] bounds = new long[n + 1];
        for (int i = 0; i <= n; i++) {
            bounds[i] = t * i / n;
        }
        return bounds;
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
        long past = k.getShape().get(2) - t;
        // Scaling q rather than the scores touches hd values per position instead of S.
        NDArray scaled = Torch.mul(q, 1.0f / (float) Math.sqrt(headDim)); // (B, nH, T, hd)
        long[] bounds = queryBlocks(t);
        NDArray[] blocks = new NDArray[bounds.length - 1];
        // split (not one slice per block): its backward writes the blocks' gradients into one new tensor, where
        // slices would each zero a tensor of the whole size and add them up
        NDList queryParts = blocks.length == 1 ? new NDList(scaled)
                : scaled.split(Arrays.copyOfRange(bounds, 1, bounds.length - 1), 2); // each (B, nH, Tb, hd)
        for (int i = 0; i < blocks.length; i++) {
            long from = bounds[i];
            long to = bounds[i + 1];
            // Causal: queries up to position past + to - 1 never see keys after it, so the block's scores stop there.
            long keys = past + to;
            NDArray qb = queryParts.get(i); // (B, nH, Tb, hd)
            NDArray kb = keys == k.getShape().get(2) ? k : k.get(":, :, :{}, :", keys); // (B, nKv, Sb, hd)
            NDArray vb = keys == v.getShape().get(2) ? v : v.get(":, :, :{}, :", keys); // (B, nKv, Sb, hd)
            NDArray grouped = groupQueries(qb, numKvHeads); // (B, nKv, nRep * Tb, hd)
            NDArray scores = grouped.matMul(kb.transpose(0, 1, 3, 2)); // (B, nKv, nRep * Tb, Sb)
            // In place on the matmul's own output (not a reshaped view, which autograd would copy): its backward
            // needs its inputs, not the scores.
            NDArray probs = scores.addi(ctx.groupedMask(numHeads / numKvHeads, from, to, keys)).softmax(-1); // (B, nKv, nRep * Tb, Sb)
            blocks[i] = probs.matMul(vb).reshape(b, numHeads, to - from, headDim).transpose(0, 2, 1, 3); // (B, Tb, nH, hd)
        }
        NDArray out = blocks.length == 1 ? blocks[0] : NDArrays.concat(new NDList(blocks), 1); // (B, T, nH, hd)
        out = out.reshape(b, t, (long) numHeads * headDim); // (B, T, nH * hd)
        return oProj.forward(out, ctx); // (B, T, H)
    }
}
