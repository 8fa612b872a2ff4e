package dev.personaforge.run;

import java.util.List;

/**
 * What a run would take, before it starts: examples, tokens, optimizer steps, time and memory on this machine.
 * Values that need the base model on disk are null until it is there; {@code notes} say why.
 */
public record RunEstimate(int trainPairs, int validationPairs, Long tokensPerEpoch, int stepsPerEpoch,
                          int totalSteps, Long trainableParameters, Long totalParameters, Long estimatedSeconds,
                          Long memoryBytes, Long availableMemoryBytes, Boolean fitsInMemory, List<String> notes) {
}
