package dev.personaforge.chat;

import dev.personaforge.model.LanguageModel;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets one generation at a time run on a loaded base model, first come first served. Generations on different
 * models, and training, never wait for each other: the gate is per model instance, not global. The chat and the
 * OpenAI-compatible API share it, so their generations on one model take turns.
 */
public final class ModelGate {

    private static final Map<LanguageModel, Semaphore> GATES = Collections.synchronizedMap(new WeakHashMap<>());

    private ModelGate() {
    }

    /**
     * Waits for the model's turn. {@code onWait} runs once when someone else is generating; returns false when
     * {@code cancelled} turned true while waiting (then the gate is not held).
     */
    public static boolean enter(LanguageModel model, BooleanSupplier cancelled, Runnable onWait) throws InterruptedException {
        Semaphore gate = gate(model);
        if (gate.tryAcquire()) {
            return true;
        }
        onWait.run();
        while (!gate.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    public static void leave(LanguageModel model) {
        gate(model).release();
    }

    private static Semaphore gate(LanguageModel model) {
        return GATES.computeIfAbsent(model, m -> new Semaphore(1, true));
    }
}
