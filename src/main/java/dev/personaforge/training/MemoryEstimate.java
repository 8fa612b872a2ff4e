package dev.personaforge.training;

import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.PartialTuning;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An up-front estimate of the extra native memory a training run needs (trainable state, saved
 * activations of the largest micro-batch, logits), compared with what the machine has available,
 * so a run that cannot fit is refused instead of being killed by the OS.
 */
public record MemoryEstimate(long trainableStateBytes, long activationBytes, long logitsBytes, long modelCopyBytes,
        long requiredBytes, long availableBytes, int keptLayers, long keptActivationBytes) {

    /**
     * Share of the memory left after the rest of the estimate that checkpointed training spends, when not told
     * otherwise, on keeping layers' activations from the first pass instead of recomputing them.
     */
    static final double AUTO_ACTIVATION_SHARE = 0.4;

    /**
     * Factor over the analytic tensor count: autograd temporaries and freed blocks that glibc keeps in
     * its arenas. Calibrated on the smollm2-135m bench (batch 8 x 256, r 8), whose peak RSS grew
     * about 3.5 times the raw count.
     */
    static final double SLACK = 3.5;

    /** Positions per chunk of logits in checkpointed training. */
    static final int LOSS_CHUNK = Trainer.LOSS_CHUNK;

    /**
     * Estimates a LoRA or full fine-tuning run.
     *
     * @param trainableParams values updated by the optimizer (adapter or, for full fine-tuning, the model)
     * @param fullFineTune whether the model is copied (and its best state kept)
     * @param tokens tokens in the largest micro-batch (batch × padded length)
     * @param seqLen padded length of that micro-batch
     * @param limitBytes explicit limit, or 0 for the OS's available memory
     */
    public static MemoryEstimate training(LlamaConfig c, long trainableParams, boolean fullFineTune, long tokens,
            long seqLen, int batch, long limitBytes) {
        return training(c, trainableParams, fullFineTune, tokens, seqLen, batch, limitBytes, -1);
    }

    /**
     * {@link #training(LlamaConfig, long, boolean, long, long, int, long)} with a budget for kept activations.
     *
     * @param activationBudgetBytes bytes of layer activations LoRA training may keep from the first pass instead
     *     of recomputing them; -1 for {@link #AUTO_ACTIVATION_SHARE} of what the rest leaves free, 0 to recompute all
     */
    public static MemoryEstimate training(LlamaConfig c, long trainableParams, boolean fullFineTune, long tokens,
            long seqLen, int batch, long limitBytes, long activationBudgetBytes) {
        if (!fullFineTune) {
            return checkpointed(c, trainableParams, c.numHiddenLayers(), tokens, seqLen, batch, limitBytes,
                    activationBudgetBytes);
        }
        long state = trainableParams * 4L * 4;
        long oneLayer = oneLayer(c, tokens, seqLen, batch);
        // plain autograd: every layer's activations and all logits live until backward
        long activations = c.numHiddenLayers() * oneLayer + 4L * tokens * c.hiddenSize() * 4;
        long logits = 4L * tokens * c.vocabSize() * 3;
        long copy = 2 * c.parameterCount() * 4L;
        long required = (long) (SLACK * (state + activations + logits + copy));
        return new MemoryEstimate(state, activations, logits, copy, required, available(limitBytes), 0, 0);
    }

    /**
     * Estimates a partial fine-tune ({@code top-layers}, {@code feature-extraction}): gradients, AdamW moments and a
     * best copy for the trained tensors only (the rest is shared with the base, not copied), and activations only
     * for the layers the backward sweep goes through.
     */
    public static MemoryEstimate partial(LlamaConfig c, PartialTuning tuning, long tokens, long seqLen, int batch,
            long limitBytes) {
        return partial(c, tuning, tokens, seqLen, batch, limitBytes, -1);
    }

    /** {@link #partial(LlamaConfig, PartialTuning, long, long, int, long)} with a budget for kept activations. */
    public static MemoryEstimate partial(LlamaConfig c, PartialTuning tuning, long tokens, long seqLen, int batch,
            long limitBytes, long activationBudgetBytes) {
        return checkpointed(c, tuning.trainableParameters(c), tuning.topLayers(), tokens, seqLen, batch, limitBytes,
                activationBudgetBytes);
    }

    /**
     * The checkpointed path (see {@code LlamaForCausalLM.checkpointedLossAndBackward}): trained values with their
     * gradient, two AdamW moments and a best copy; the inputs of the {@code backwardLayers} layers it recomputes,
     * one layer's activations at a time, and one chunk of logits; then as many of the top layers' activations as
     * the budget holds, kept so that those layers are not recomputed (about a quarter of a step each saved).
     */
    private static MemoryEstimate checkpointed(LlamaConfig c, long trainableParams, int backwardLayers, long tokens,
            long seqLen, int batch, long limitBytes, long activationBudgetBytes) {
        long state = trainableParams * 4L * 5;
        long perLayer = oneLayer(c, tokens, seqLen, batch);
        long activations = 4L * tokens * c.hiddenSize() * (backwardLayers + 3) + (backwardLayers > 0 ? perLayer : 0);
        long logits = 4L * Math.min(tokens, LOSS_CHUNK) * c.vocabSize() * 4;
        long required = (long) (SLACK * (state + activations + logits));
        long available = available(limitBytes);
        long budget = activationBudgetBytes >= 0 ? activationBudgetBytes
                : (long) (Math.max(0, available - required) * AUTO_ACTIVATION_SHARE);
        int kept = perLayer == 0 ? 0 : (int) Math.min(backwardLayers, budget / perLayer);
        long keptBytes = kept * perLayer;
        return new MemoryEstimate(state, activations + keptBytes, logits, 0, required + keptBytes, available, kept,
                keptBytes);
    }

    /** Bytes one decoder layer keeps for backward: projections, norms, MLP and attention probabilities. */
    private static long oneLayer(LlamaConfig c, long tokens, long seqLen, int batch) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        long perTokenPerLayer = 8 * h + 8 * q + 4 * kv + 5 * inter;
        long attention = (long) batch * c.numAttentionHeads() * seqLen * seqLen * 3;
        return 4L * (tokens * perTokenPerLayer + attention);
    }

    private static long available(long limitBytes) {
        return limitBytes > 0 ? limitBytes : availableMemory();
    }

    /** True when the run should fit. */
    public boolean fits() {
        return requiredBytes <= availableBytes;
    }

    /** Human-readable summary, e.g. for the refusal message. */
    public String describe() {
        return String.format("needs about %.2f GB (optimizer state %.2f GB, activations %.2f GB, logits %.2f GB, model copies %.2f GB)"
                + " but %.2f GB is available", gb(requiredBytes), gb(trainableStateBytes), gb(activationBytes),
                gb(logitsBytes), gb(modelCopyBytes), gb(availableBytes))
                + (keptLayers > 0 ? String.format("; %d layers keep their activations (%.2f GB) instead of being recomputed",
                        keptLayers, gb(keptActivationBytes)) : "");
    }

    private static double gb(long bytes) {
        return bytes / 1e9;
    }

    /** MemAvailable from /proc/meminfo, or free physical memory as the JVM sees it. */
    static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through to the JVM's view
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getFreeMemorySize();
    }
}
