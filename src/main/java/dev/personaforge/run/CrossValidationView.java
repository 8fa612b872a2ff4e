package dev.personaforge.run;

import java.time.Instant;
import java.util.List;

/**
 * A cross-validation as the API returns it: its folds with their status and validation loss, and the mean and
 * sample standard deviation (n − 1 in the denominator) of the validation losses of the folds that succeeded.
 * {@code std} is null until two folds have succeeded.
 */
public record CrossValidationView(long id, long personaId, int k, String status, RunSettings settings, int pairCount,
                                  List<Fold> folds, int succeededFolds, Double mean, Double std, Double meanBaseLoss,
                                  Long keptRunId, Long retrainRunId, Instant createdAt) {

    /**
     * One fold: the run that validates on it. {@code valLoss} is the tuned model's (best) validation loss, the one
     * of the weights the run saved; {@code modelAvailable} says whether those weights are still on disk.
     */
    public record Fold(int index, long runId, String status, long queuePosition, int step, int totalSteps,
                       int trainCount, int validationCount, Double baseLoss, Double valLoss, boolean kept,
                       boolean modelAvailable) {

        /** The fold's number as people count, from 1. */
        public int number() {
            return index + 1;
        }
    }

    /** True while any fold waits or trains. */
    public boolean active() {
        return "QUEUED".equals(status) || "RUNNING".equals(status);
    }
}
