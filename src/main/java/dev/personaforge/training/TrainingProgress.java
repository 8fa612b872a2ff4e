package dev.personaforge.training;

import java.time.Duration;

/**
 * One progress event, sent after every optimizer step.
 *
 * @param epoch fractional epoch (1.5 = half-way through the second pass)
 * @param loss token-weighted mean training loss of this step
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond non-padding tokens through forward and backward per second, since the start
 * @param validation metrics if validation ran at this step, else null
 */
public record TrainingProgress(
        int step,
        int totalSteps,
        double epoch,
        double loss,
        double learningRate,
        double gradNorm,
        double tokensPerSecond,
        Duration eta,
        ValidationMetrics validation) {}
