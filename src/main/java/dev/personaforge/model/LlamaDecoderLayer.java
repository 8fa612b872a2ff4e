package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** One pre-norm transformer block: attention and SwiGLU MLP, each with a residual connection. */
public final class LlamaDecoderLayer {
    final LlamaRMSNorm inputLayernorm;
    final LlamaAttention selfAttn;
    final LlamaRMSNorm postAttentionLayernorm;
    final LlamaMLP mlp;

    LlamaDecoderLayer(LlamaRMSNorm inputLayernorm, LlamaAttention selfAttn, LlamaRMSNorm postAttentionLayernorm, LlamaMLP mlp) {
        this.inputLayernorm = inputLayernorm;
        this.selfAttn = selfAttn;
        this.postAttentionLayernorm = postAttentionLayernorm;
        this.mlp = mlp;
    }

    NDArray forward(NDArray x, ForwardContext ctx) {
        NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), ctx)); // (B, T, H)
        return h.add(mlp.forward(postAttentionLayernorm.forward(h), ctx)); // (B, T, H)
    }
}
