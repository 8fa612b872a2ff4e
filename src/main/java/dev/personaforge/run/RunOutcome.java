package dev.personaforge.run;

/**
 * What a finished run achieved: validation metrics of the base model (before training) and of the tuned model
 * (its best validation), and facts about the training itself. Metrics are null without a validation split.
 */
public record RunOutcome(Double baseLoss, Double basePerplexity, Double baseAccuracy, Double tunedLoss,
                         Double tunedPerplexity, Double tunedAccuracy, int steps, int bestStep, boolean stoppedEarly,
                         int truncatedExamples, double tokensPerSecond, long trainableParameters) {
}
