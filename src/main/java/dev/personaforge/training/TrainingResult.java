package dev.personaforge.training;

import dev.personaforge.model.LlamaForCausalLM;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.PartialTuning;

import java.util.List;

/**
 * The outcome of a training run. Owns the returned adapter (or fully fine-tuned model): close the
 * result, or take ownership and close them yourself.
 *
 * @param adapter the adapter with the best validation loss (the last one without a validation split); null for full fine-tuning
 * @param model the fully fine-tuned model (best validation state), or for a partial method the base with the
 *     trained tensors replaced (sharing the others with the base, so close it before the base); null for LoRA
 * @param lossCurve training loss of every optimizer step
 * @param validations every validation run, the first before training
 * @param truncatedExamples examples cut to {@code maxLength}
 * @param droppedExamples examples whose prompt alone filled {@code maxLength}
 * @param partial the partial method {@code model} was trained with; null for LoRA and full fine-tuning
 */
public record TrainingResult(
        LoraAdapter adapter,
        LlamaForCausalLM model,
        int steps,
        int bestStep,
        List<Double> lossCurve,
        List<ValidationMetrics> validations,
        ValidationMetrics bestValidation,
        int truncatedExamples,
        int droppedExamples,
        boolean cancelled,
        boolean stoppedEarly,
        double tokensPerSecond,
        MemoryEstimate memoryEstimate,
        PartialTuning partial) implements AutoCloseable {

    /** Validation before any training, or null without a validation split. */
    public ValidationMetrics initialValidation() {
        return validations.isEmpty() ? null : validations.get(0);
    }

    /** The last validation run, or null. */
    public ValidationMetrics finalValidation() {
        return validations.isEmpty() ? null : validations.get(validations.size() - 1);
    }

    @Override
    public void close() {
        if (adapter != null) {
            adapter.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
