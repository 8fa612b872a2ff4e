package dev.personaforge.training;

/** Linear warmup from 0, then cosine or linear decay to 0 (or constant), like transformers' schedulers. */
public final class LrSchedule {
    private LrSchedule() {}

    /** Learning rate for optimizer step {@code step} (0-based) of {@code total}. */
    public static double at(TrainingConfig.Schedule schedule, double peak, int warmup, int step, int total) {
        if (step < warmup) {
            return peak * (step + 1) / (double) (warmup + 1);
        }
        if (schedule == TrainingConfig.Schedule.CONSTANT) {
            return peak;
        }
        double progress = (step - warmup) / (double) Math.max(1, total - warmup);
        progress = Math.min(1.0, progress);
        return schedule == TrainingConfig.Schedule.COSINE
                ? peak * 0.5 * (1 + Math.cos(Math.PI * progress))
                : peak * (1 - progress);
    }
}
