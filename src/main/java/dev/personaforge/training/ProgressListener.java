package dev.personaforge.training;

/** Receives training progress on the training thread; keep it quick. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(TrainingProgress progress);
}
