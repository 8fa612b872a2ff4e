package dev.personaforge.basemodel;

import dev.personaforge.hub.ModelFacts;

/**
 * A base model as the models page and the picker show it: where it is, its facts when it is on this machine
 * (architecture, size, licence…), training memory estimates for LoRA and full fine-tuning, and any download.
 */
public record ModelEntry(String model, boolean offered, boolean installed, String directory, ModelFacts facts,
                         Long loraTrainingBytes, Long fullTrainingBytes, Long availableMemoryBytes,
                         DownloadView download) {
}
