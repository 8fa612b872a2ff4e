package dev.personaforge.run;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * A run as the API returns it; {@code crossValidationId} and {@code foldIndex} are set on the folds of a
 * cross-validation.
 *
 * @param trainableParameters values the run's method trains on its base model (every method: LoRA, full, top
 *     layers, feature extraction); null when the base model's config is not on this machine
 * @param totalParameters parameters of the base model; null likewise
 */
public record RunView(long id, long personaId, String status, long queuePosition, String baseModel,
                      RunSettings settings, String datasetHash, int trainCount, int validationCount, int step,
                      int totalSteps, double epoch, Double lastLoss, RunOutcome outcome, String error,
                      Instant createdAt, Instant startedAt, Instant finishedAt,
                      /* The file an imported adapter came from; null for runs trained here. */
                      String importedFrom, Long crossValidationId, Integer foldIndex, Long trainableParameters,
                      Long totalParameters) {

    /** "1.2 M of 135 M parameters (0.9 %)", or empty while the base model's config is not on this machine. */
    @JsonProperty("trainedParameters")
    public String trainedParameters() {
        return ParameterShare.describe(trainableParameters, totalParameters);
    }
}
