package dev.personaforge.chat;

import java.nio.file.Path;

/**
 * A fine-tuned variant of a persona's base model that can be chatted with: a LoRA adapter directory in PEFT
 * format ({@code adapter_config.json} + {@code adapter_model.safetensors}) produced by a training run, the
 * model directory of a run that fine-tuned all weights, or the changed tensors of a partial run (top layers,
 * feature extraction).
 *
 * @param label shown above the chat column, e.g. "Run #12 · 3 epochs · val loss 1.23"
 * @param baseModel the base model reference the adapter was trained on (Hub id or local directory)
 * @param modelDir for a run that fine-tuned all weights, its Hugging Face model directory (then adapterDir is null)
 * @param partialDir for a partial run, the directory of its changed tensors ({@code partial.json} +
 *     {@code model.safetensors}), applied to the loaded base model (then adapterDir and modelDir are null)
 */
public record TunedModel(long personaId, long runId, String label, Path adapterDir, String baseModel, Path modelDir,
                         Path partialDir) {

    /** A tuned model from a LoRA run: an adapter on the shared base weights. */
    public TunedModel(long personaId, long runId, String label, Path adapterDir, String baseModel) {
        this(personaId, runId, label, adapterDir, baseModel, null, null);
    }

    /** A tuned model from a LoRA run (adapterDir) or a run that fine-tuned all weights (modelDir). */
    public TunedModel(long personaId, long runId, String label, Path adapterDir, String baseModel, Path modelDir) {
        this(personaId, runId, label, adapterDir, baseModel, modelDir, null);
    }

    /** True for a fully fine-tuned model, which has weights of its own instead of an adapter. */
    public boolean fullModel() {
        return modelDir != null;
    }

    /** True for a partial run: the base weights with some tensors replaced. */
    public boolean partial() {
        return partialDir != null;
    }

    /** True when the replies need a pass over weights other than the base's (full or partial runs). */
    public boolean ownWeights() {
        return fullModel() || partial();
    }
}
