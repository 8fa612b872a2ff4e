package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * One projection of the base model ({@code q_proj}, {@code down_proj}, ...) with its checkpoint path,
 * weight in (out, in) layout and optional bias; LoRA deltas are added by the forward context.
 */
public final class Linear {
    /** Module path as in the checkpoint, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public final String path;
    /** Short module name, e.g. {@code q_proj}: what LoRA's {@code target_modules} matches. */
    public final String name;
    NDArray weight;
    NDArray bias;
    /**
     * F16 copy for the vector kernels when the model runs inference in half precision; null otherwise, or when
     * the kernels cannot serve this weight (then {@link #weightHalf} holds libtorch's F16 copy).
     */
    HalfProjection kernel;
    /** libtorch F16 copies used for inference in half precision when {@link #kernel} is null; null otherwise. */
    NDArray weightHalf;
    NDArray biasHalf;

    Linear(String path, NDArray weight, NDArray bias) {
        this.path = path;
        this.name = path.substring(path.lastIndexOf('.') + 1);
        this.weight = weight;
        this.bias = bias;
    }

    /** Output features. */
    public long outFeatures() {
        return weight.getShape().get(0);
    }

    /** Input features. */
    public long inFeatures() {
        return weight.getShape().get(1);
    }

    /**
     * Half precision pays off where reading the weights dominates: decoding a few rows at a time. For longer
     * inputs (prefill) the CPU's F32 matrix multiply is faster than its F16 one.
     */
    static final long HALF_MAX_ROWS = 8;

    /** Token rows of activations shaped (..., features). */
    static long rows(NDArray x) {
        return x.getShape().size() / x.getShape().get(x.getShape().dimension() - 1);
    }

    NDArray forward(NDArray x, ForwardContext ctx) {
        boolean fewRows = !ctx.training && rows(x) <= HALF_MAX_ROWS;
        if (fewRows && kernel != null && x.getDataType() == DataType.FLOAT32) {
            // the kernel adds each row's LoRA delta itself, in the same pass over the weights
            return kernel.forward(x, ctx.lora == null ? null : ctx.lora.kernelDeltas(this), Torch.kernelThreads()); // (B, T, out)
        }
        NDArray y = fewRows && weightHalf != null
                ? Torch.linearOnHalf(ctx.half(x), weightHalf, biasHalf) // (B, T, out)
                : Torch.linear(x, weight, bias); // (B, T, out)
        return ctx.lora == null ? y : ctx.lora.apply(this, x, y, ctx.training);
    }
}
