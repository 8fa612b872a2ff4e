package dev.personaforge.openai;

import java.nio.file.Path;

/**
 * What an OpenAI model id stands for: a base model, or a persona's tuned run (a LoRA adapter on its base model, or
 * a fully fine-tuned model with weights of its own).
 *
 * @param id the model id as clients send it ({@code slug}, {@code slug@<run-id>} or {@code base:<model>})
 * @param baseModel the base model reference (Hugging Face id or local directory)
 * @param adapterDir the LoRA adapter of a tuned run, else null
 * @param modelDir the model directory of a fully fine-tuned run, else null
 * @param partialDir the changed tensors of a partial run (top layers, feature extraction), applied to the base
 *     model; else null
 * @param systemPrompt the system prompt the run was trained with, used when a chat request has none; null for base
 * @param created Unix seconds: when the run finished, or when the base model's files were written
 * @param ownedBy the persona's slug for tuned models, {@code persona-forge} for base models
 */
public record ModelTarget(String id, String baseModel, Path adapterDir, Path modelDir, String systemPrompt,
                          long created, String ownedBy, Path partialDir) {

    /** A base model, a LoRA run or a fully fine-tuned run. */
    public ModelTarget(String id, String baseModel, Path adapterDir, Path modelDir, String systemPrompt, long created,
                       String ownedBy) {
        this(id, baseModel, adapterDir, modelDir, systemPrompt, created, ownedBy, null);
    }

    /** The reference the model registry loads: the run's own model directory, or the base model. */
    String loadReference() {
        return modelDir != null ? modelDir.toString() : baseModel;
    }
}
