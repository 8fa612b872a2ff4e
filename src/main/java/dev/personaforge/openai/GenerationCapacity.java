package dev.personaforge.openai;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many OpenAI-compatible requests are in flight at once (loading, waiting for their model's turn, or
 * generating); one more is refused with a 429 at once rather than queued without end. Generation itself takes
 * turns per model through the chat's {@link dev.personaforge.chat.ModelGate}.
 */
@ApplicationScoped
public class GenerationCapacity {

    private final Semaphore slots;
    private final int max;

    GenerationCapacity(OpenAiConfig config) {
        int max = config.maxRequests();
        if (max < 1) {
            throw new IllegalArgumentException("forge.openai.max-requests must be at least 1, not " + max);
        }
        this.max = max;
        this.slots = new Semaphore(max, true);
    }

    /** Takes a slot, or returns false when all {@link #max()} are taken. */
    public boolean tryAcquire() {
        return slots.tryAcquire();
    }

    public void release() {
        slots.release();
    }

    /** The most requests in flight at once. */
    public int max() {
        return max;
    }
}
