package dev.personaforge.run;

/**
 * One message of a run's live stream: {@code progress} (a step, with validation metrics when validation ran),
 * {@code status} (queued, running, succeeded…, with a message) or {@code log}.
 */
public record RunEvent(String type, Integer step, Integer totalSteps, Double epoch, Double loss, Double learningRate,
                       Double gradNorm, Double tokensPerSecond, Long etaSeconds, Double valLoss, Double valPerplexity,
                       Double valAccuracy, String status, String message) {

    public static RunEvent progress(RunMetric m, int totalSteps, Long etaSeconds) {
        return new RunEvent("progress", m.step, totalSteps, m.epoch, m.trainLoss, m.learningRate, m.gradNorm,
                m.tokensPerSecond, etaSeconds, m.valLoss, m.valPerplexity, m.valAccuracy, null, null);
    }

    public static RunEvent status(RunStatus status, String message) {
        return new RunEvent("status", null, null, null, null, null, null, null, null, null, null, null,
                status.name(), message);
    }

    public static RunEvent log(String message) {
        return new RunEvent("log", null, null, null, null, null, null, null, null, null, null, null, null, message);
    }

    public boolean terminal() {
        return "status".equals(type) && RunStatus.valueOf(status).finished();
    }
}
