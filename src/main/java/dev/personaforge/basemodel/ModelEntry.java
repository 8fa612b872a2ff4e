package dev.personaforge.basemodel;

import dev.personaforge.hub.ModelFacts;

/**
 * A base model as the models page and the picker show it: where it is, its facts when it is on this machine
 * (architecture, size, licence…; for a Hub model not downloaded yet, read from its metadata on the Hub, and
 * {@code factsNote} says why when that fails), training memory estimates for LoRA and full fine-tuning, and any download.
 */
public record ModelEntry(String model, boolean offered, boolean installed, String directory, ModelFacts facts,
                         String factsNote,
                         Long loraTrainingBytes, Long fullTrainingBytes, Long availableMemoryBytes,
                         DownloadView download) {
}
