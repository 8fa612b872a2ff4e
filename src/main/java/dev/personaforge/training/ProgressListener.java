package dev.personaforge.training;

/** Receives training progress on the training thread; keep it quick. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(TrainingProgress progress);

    /**
     * A step whose loss or gradient was not finite: the optimizer left the weights as they were.
     *
     * @param reason what was not finite, in words
     */
    default void onSkippedStep(int step, String reason) {
    }
}
