package dev.personaforge.run;

import java.util.List;

/**
 * What a run would take, before it starts: examples, tokens, optimizer steps, time and memory on this machine.
 * Values that need the base model on disk are null until it is there; {@code notes} say why.
 *
 * @param trainableParameters values the chosen method trains (LoRA adapter, every weight, the top layers or the head)
 * @param trainedParameters the same in words, e.g. "1.2 M of 135 M parameters (0.9 %)"; null while unknown
 */
public record RunEstimate(int trainPairs, int validationPairs, Long tokensPerEpoch, int stepsPerEpoch,
                          int totalSteps, Long trainableParameters, Long totalParameters, Long estimatedSeconds,
                          Long memoryBytes, Long availableMemoryBytes, Boolean fitsInMemory, List<String> notes,
                          String trainedParameters) {
}
