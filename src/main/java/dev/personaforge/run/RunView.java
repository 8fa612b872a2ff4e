package dev.personaforge.run;

import java.time.Instant;

/** A run as the API returns it; {@code crossValidationId} and {@code foldIndex} are set on the folds of a cross-validation. */
public record RunView(long id, long personaId, String status, long queuePosition, String baseModel,
                      RunSettings settings, String datasetHash, int trainCount, int validationCount, int step,
                      int totalSteps, double epoch, Double lastLoss, RunOutcome outcome, String error,
                      Instant createdAt, Instant startedAt, Instant finishedAt,
                      /* The file an imported adapter came from; null for runs trained here. */
                      String importedFrom, Long crossValidationId, Integer foldIndex) {
}
