package dev.personaforge.openai;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.chat.AdapterCache;
import dev.personaforge.chat.ModelGate;
import dev.personaforge.chat.PartialModelCache;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.TokenListener;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Runs generations for the OpenAI-compatible API with the side-by-side chat's machinery: a lease on the model from
 * the {@link BaseModelRegistry} (a LoRA run is its base model plus the cached adapter, a fully fine-tuned run its
 * own weights, a partial run its base model with the run's changed tensors in place), the model's {@link ModelGate} so API and chat generations on one model take turns, and the engine's
 * {@link Generator}. A {@link Session} holds all of that until closed.
 */
@ApplicationScoped
public class OpenAiGenerations {

    @Inject
    BaseModelRegistry registry;

    @Inject
    AdapterCache adapters;

    @Inject
    PartialModelCache partialModels;

    @Inject
    GenerationCapacity capacity;

    @Inject
    OpenAiConfig config;

    /** A loaded model (and adapter) reserved for one request; close it exactly when the request is done. */
    public final class Session implements AutoCloseable {
        private final BaseModelRegistry.Lease lease;
        private final LoraAdapter adapter;
        /** A partial run's model: the leased base with the run's changed tensors in place; else null. */
        private final LanguageModel partial;
        private boolean inGate;
        private boolean closed;

        private Session(BaseModelRegistry.Lease lease, LoraAdapter adapter, LanguageModel partial) {
            this.lease = lease;
            this.adapter = adapter;
            this.partial = partial;
        }

        public LanguageModel model() {
            return partial != null ? partial : lease.model();
        }

        /** The tuned run's adapter, or null for a base model or a fully fine-tuned one. */
        public LoraAdapter adapter() {
            return adapter;
        }

        /** Waits for the model's turn; a 503 when other generations keep it busy past the wait timeout. */
        public void awaitTurn() {
            Duration waitTimeout = config.waitTimeout();
            long deadline = System.nanoTime() + waitTimeout.toNanos();
            try {
                inGate = ModelGate.enter(model(), () -> System.nanoTime() > deadline, () -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OpenAiException.serverError("The request was interrupted because the server is shutting down.");
            }
            if (!inGate) {
                throw OpenAiException.overloaded("The model is busy with other generations and stayed busy for "
                        + waitTimeout.toSeconds() + " s; try again later.", 5);
            }
        }

        /** Generates for {@code request} (after {@link #awaitTurn()}), streaming tokens to {@code listener} (may be null). */
        public GenerationResult generate(GenerationRequest request, TokenListener listener, BooleanSupplier cancelled) {
            if (!inGate) {
                throw new IllegalStateException("awaitTurn() first");
            }
            return new Generator(model()).generate(List.of(request), listener, cancelled).get(0);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (inGate) {
                    ModelGate.leave(model());
                }
                lease.close();
            } finally {
                capacity.release();
            }
        }
    }

    /**
     * Takes a slot (429 when none is free) and loads the target's model and adapter (404 when its files are not on
     * this machine, 500 when they cannot be loaded).
     */
    public Session open(ModelTarget target) {
        if (!capacity.tryAcquire()) {
            throw OpenAiException.tooManyRequests("This server already has " + capacity.max() + " API requests in "
                    + "flight (forge.openai.max-requests); try again shortly.", 1);
        }
        BaseModelRegistry.Lease lease = null;
        CompletableFuture<BaseModelRegistry.Lease> future = null;
        try {
            String ref = target.loadReference();
            try {
                future = registry.lease(ref);
            } catch (ModelNotInstalledException e) {
                throw OpenAiException.modelNotFound(target.id(), e.getMessage());
            }
            lease = future.get(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LoraAdapter adapter = target.adapterDir() == null ? null : adapters.get(lease.model(), target.adapterDir());
            LanguageModel partial = target.partialDir() == null ? null
                    : partialModels.get(lease.model(), target.partialDir());
            return new Session(lease, adapter, partial);
        } catch (ExecutionException | IOException | RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            capacity.release();
            if (e instanceof OpenAiException openAi) {
                throw openAi;
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            Log.warnf("Model %s could not be loaded for the API: %s", target.id(), cause.getMessage());
            throw OpenAiException.serverError("The model '" + target.id() + "' could not be loaded: " + cause.getMessage());
        } catch (TimeoutException e) {
            future.thenAccept(BaseModelRegistry.Lease::close);
            capacity.release();
            throw OpenAiException.overloaded("The model '" + target.id() + "' is still loading after "
                    + config.loadTimeout().toSeconds() + " s; try again later.", 30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            capacity.release();
            throw OpenAiException.serverError("The request was interrupted because the server is shutting down.");
        }
    }
}
