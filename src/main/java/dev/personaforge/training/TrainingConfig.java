package dev.personaforge.training;

import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.PartialTuning;

import java.util.List;

/**
 * Hyper-parameters of one fine-tuning run.
 *
 * @param fullFineTune train every base weight (on a copy of the model) instead of a LoRA adapter
 * @param partial train only some base weights (top layers or the head; copies of them, the rest shared with the
 *     base) instead of a LoRA adapter; null for LoRA or full fine-tuning
 * @param maxSteps optimizer steps; 0 means {@code epochs} full passes
 * @param maxLength examples longer than this many tokens are truncated (and counted)
 * @param evalEvery run validation every this many optimizer steps (0: only at the start and end)
 * @param patience stop after this many validations without improvement (0: never stop early)
 * @param memoryLimitBytes refuse runs whose estimate exceeds this; 0 uses the memory the OS reports as available
 * @param activationBudgetBytes memory LoRA and partial training may spend keeping the top layers' activations from
 *     the first pass instead of recomputing them in the backward pass (faster, more memory); -1 chooses
 *     automatically (see {@link MemoryEstimate}), 0 recomputes every layer
 */
public record TrainingConfig(
        int loraRank,
        double loraAlpha,
        double loraDropout,
        List<String> targetModules,
        boolean fullFineTune,
        double learningRate,
        double weightDecay,
        double beta1,
        double beta2,
        double epsilon,
        int warmupSteps,
        Schedule schedule,
        double maxGradNorm,
        int batchSize,
        int gradientAccumulation,
        int epochs,
        int maxSteps,
        int maxLength,
        int evalEvery,
        int patience,
        long seed,
        long memoryLimitBytes,
        long activationBudgetBytes,
        PartialTuning partial) {

    /** Learning-rate decay after warmup. */
    public enum Schedule { COSINE, LINEAR, CONSTANT }

    public TrainingConfig {
        if (fullFineTune && partial != null) {
            throw new IllegalArgumentException("choose full fine-tuning or a partial method, not both");
        }
        if (!fullFineTune && partial == null) {
            new LoraConfig(loraRank, loraAlpha, loraDropout, targetModules, "");
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        positive("learningRate", learningRate);
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        positive("epsilon", epsilon);
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must not be null");
        }
        if (maxGradNorm < 0) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 (0 disables clipping), got " + maxGradNorm);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        if (gradientAccumulation <= 0) {
            throw new IllegalArgumentException("gradientAccumulation must be > 0, got " + gradientAccumulation);
        }
        if (maxSteps < 0 || (maxSteps == 0 && epochs <= 0)) {
            throw new IllegalArgumentException("need epochs > 0 or maxSteps > 0 (epochs " + epochs + ", maxSteps " + maxSteps + ")");
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
        }
        if (evalEvery < 0 || patience < 0 || memoryLimitBytes < 0) {
            throw new IllegalArgumentException("evalEvery, patience and memoryLimitBytes must be >= 0");
        }
        if (activationBudgetBytes < -1) {
            throw new IllegalArgumentException("activationBudgetBytes must be >= 0, or -1 for automatic, got "
                    + activationBudgetBytes);
        }
    }

    private static void positive(String field, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }

    /**
     * LoRA r 8, alpha 16, dropout 0.05 on all seven projections; AdamW lr 2e-4, weight decay 0.01;
     * 10 warmup steps then cosine; clip 1.0; batch 8; 3 epochs; max length 512; validation every 20
     * steps, patience 3; seed 42.
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(8, 16, 0.05, LoraConfig.ALL_LINEAR, false, 2e-4, 0.01, 0.9, 0.999, 1e-8,
                10, Schedule.COSINE, 1.0, 8, 1, 3, 0, 512, 20, 3, 42, 0, -1, null);
    }

    public TrainingConfig withLora(int r, double alpha, double dropout, List<String> modules) {
        return new TrainingConfig(r, alpha, dropout, modules, false, learningRate, weightDecay, beta1, beta2, epsilon,
                warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps, maxLength,
                evalEvery, patience, seed, memoryLimitBytes, activationBudgetBytes, null);
    }

    public TrainingConfig withFullFineTune(boolean full) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, full, learningRate, weightDecay, beta1,
                beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps,
                maxLength, evalEvery, patience, seed, memoryLimitBytes, activationBudgetBytes, full ? null : partial);
    }

    /** Trains only the weights {@code tuning} names (null: back to LoRA or full fine-tuning). */
    public TrainingConfig withPartial(PartialTuning tuning) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, tuning == null && fullFineTune,
                learningRate, weightDecay, beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize,
                gradientAccumulation, epochs, maxSteps, maxLength, evalEvery, patience, seed, memoryLimitBytes, activationBudgetBytes, tuning);
    }

    public TrainingConfig withOptimizer(double lr, double wd, int warmup, Schedule sched, double clip) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, lr, wd, beta1, beta2,
                epsilon, warmup, sched, clip, batchSize, gradientAccumulation, epochs, maxSteps, maxLength, evalEvery,
                patience, seed, memoryLimitBytes, activationBudgetBytes, partial);
    }

    public TrainingConfig withBatching(int batch, int accumulation, int maxLen) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batch, accumulation, epochs, maxSteps, maxLen,
                evalEvery, patience, seed, memoryLimitBytes, activationBudgetBytes, partial);
    }

    public TrainingConfig withDuration(int nEpochs, int steps) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, nEpochs, steps,
                maxLength, evalEvery, patience, seed, memoryLimitBytes, activationBudgetBytes, partial);
    }

    public TrainingConfig withValidation(int every, int patienceEvals) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps,
                maxLength, every, patienceEvals, seed, memoryLimitBytes, activationBudgetBytes, partial);
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps,
                maxLength, evalEvery, patience, newSeed, memoryLimitBytes, activationBudgetBytes, partial);
    }

    /** See {@code activationBudgetBytes}: -1 automatic, 0 recompute every layer. */
    public TrainingConfig withActivationBudget(long bytes) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps,
                maxLength, evalEvery, patience, seed, memoryLimitBytes, bytes, partial);
    }

    public TrainingConfig withMemoryLimit(long bytes) {
        return new TrainingConfig(loraRank, loraAlpha, loraDropout, targetModules, fullFineTune, learningRate, weightDecay,
                beta1, beta2, epsilon, warmupSteps, schedule, maxGradNorm, batchSize, gradientAccumulation, epochs, maxSteps,
                maxLength, evalEvery, patience, seed, bytes, activationBudgetBytes, partial);
    }
}
