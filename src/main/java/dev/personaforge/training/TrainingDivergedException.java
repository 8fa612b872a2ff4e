package dev.personaforge.training;

/** Training stopped because the loss or the gradients stayed non-finite for several steps in a row. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
