package dev.personaforge.chat;

import java.nio.file.Path;

/**
 * A fine-tuned variant of a persona's base model that can be chatted with: a LoRA adapter directory in PEFT
 * format ({@code adapter_config.json} + {@code adapter_model.safetensors}) produced by a training run.
 *
 * @param label shown above the chat column, e.g. "Run #12 · 3 epochs · val loss 1.23"
 * @param baseModel the base model reference the adapter was trained on (Hub id or local directory)
 */
public record TunedModel(long personaId, long runId, String label, Path adapterDir, String baseModel) {
}
