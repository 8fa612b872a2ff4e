package dev.personaforge.training;

/** A training run refused up front because its memory estimate exceeds what is available. */
public class InsufficientMemoryException extends RuntimeException {
    private final MemoryEstimate estimate;

    public InsufficientMemoryException(MemoryEstimate estimate) {
        super("training run refused: it " + estimate.describe()
                + "; reduce batchSize or maxLength, or use LoRA instead of full fine-tuning");
        this.estimate = estimate;
    }

    public MemoryEstimate estimate() {
        return estimate;
    }
}
