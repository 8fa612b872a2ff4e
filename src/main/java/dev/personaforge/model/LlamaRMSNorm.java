package dev.personaforge.model;

import ai.djl.ndarray.NDArray;

/** Root-mean-square layer norm: {@code weight * x / sqrt(mean(x^2) + eps)}. */
public final class LlamaRMSNorm {
    final String path;
    NDArray weight;
    private final float eps;

    LlamaRMSNorm(String path, NDArray weight, double eps) {
        this.path = path;
        this.weight = weight;
        this.eps = (float) eps;
    }

    NDArray forward(NDArray x) {
        NDArray variance = x.mul(x).mean(new int[] {-1}, true); // (B, T, 1)
        return x.div(variance.add(eps).sqrt()).mul(weight); // (B, T, H)
    }
}
