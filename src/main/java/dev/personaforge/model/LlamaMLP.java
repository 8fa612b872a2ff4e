package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** SwiGLU feed-forward block: {@code down_proj(silu(gate_proj(x)) * up_proj(x))}. */
public final class LlamaMLP {
    final Linear gateProj;
    final Linear upProj;
    final Linear downProj;

    LlamaMLP(Linear gateProj, Linear upProj, Linear downProj) {
        this.gateProj = gateProj;
        this.upProj = upProj;
        this.downProj = downProj;
    }

    static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    NDArray forward(NDArray x, ForwardContext ctx) {
        NDArray gate = silu(gateProj.forward(x, ctx)); // (B, T, I)
        NDArray up = upProj.forward(x, ctx); // (B, T, I)
        return downProj.forward(gate.mul(up), ctx); // (B, T, H)
    }
}
