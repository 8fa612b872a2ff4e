package dev.personaforge.model;

import java.util.List;

/**
 * LoRA hyper-parameters as PEFT names them: rank {@code r}, {@code lora_alpha}, {@code lora_dropout}
 * and the short names of the projections to adapt.
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules, String baseModelNameOrPath) {

    /** All seven projections of a Llama block. */
    public static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("r must be > 0, got " + r);
        }
        if (!(loraAlpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be > 0, got " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must not be empty");
        }
        for (String m : targetModules) {
            if (!ALL_LINEAR.contains(m)) {
                throw new IllegalArgumentException("target_modules: unknown module '" + m + "' (known: " + ALL_LINEAR + ")");
            }
        }
        targetModules = List.copyOf(targetModules);
        baseModelNameOrPath = baseModelNameOrPath == null ? "" : baseModelNameOrPath;
    }

    /** Rank 8, alpha 16, dropout 0.05 on all seven projections. */
    public static LoraConfig defaults(String baseModel) {
        return new LoraConfig(8, 16, 0.05, ALL_LINEAR, baseModel);
    }

    /** {@code lora_alpha / r}, the factor applied to {@code B @ A}. */
    public double scaling() {
        return loraAlpha / r;
    }
}
