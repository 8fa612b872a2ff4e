package dev.personaforge.basemodel;

import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.Torch;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps base models loaded in memory, shared by training and chat: one load per model directory however many
 * callers ask at once; beyond the configured number of models the least recently used idle one is unloaded.
 * Callers hold a {@link Lease} while they use a model, so a model is never closed under them.
 */
@ApplicationScoped
public class BaseModelRegistry {

    /** Where a base model stands, for status shown to people waiting on it. */
    public enum State { NOT_INSTALLED, INSTALLED, LOADING, READY, FAILED }

    /** A model's state and, when it failed to load or is missing, why. */
    public record Status(State state, String message) {
    }

    /** A loaded model in use; closing the lease lets the registry unload the model when it needs room. */
    public final class Lease implements AutoCloseable {
        private final Holder holder;
        private final LanguageModel model;
        private boolean closed;

        private Lease(Holder holder, LanguageModel model) {
            this.holder = holder;
            this.model = model;
        }

        public LanguageModel model() {
            return model;
        }

        @Override
        public void close() {
            synchronized (BaseModelRegistry.this) {
                if (!closed) {
                    closed = true;
                    holder.leases--;
                    closeIfUnused(holder);
                }
            }
        }
    }

    private static final class Holder {
        final Path dir;
        final CompletableFuture<LanguageModel> future;
        int leases;
        boolean evicted;

        Holder(Path dir, CompletableFuture<LanguageModel> future) {
            this.dir = dir;
            this.future = future;
        }
    }

    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-loader");
        t.setDaemon(true);
        return t;
    });

    /** Access order, so the first entry is the least recently used. */
    private final Map<Path, Holder> models = new LinkedHashMap<>(4, 0.75f, true);

    @Inject
    BaseModelLookup lookup;

    @ConfigProperty(name = "forge.models.max-loaded", defaultValue = "2")
    int maxLoaded;

    /** When on, generation reads F16 copies of the weights (faster decoding on CPU); training stays F32. */
    @ConfigProperty(name = "forge.models.half-precision-inference", defaultValue = "true")
    boolean halfPrecisionInference;

    /** Whether loaded models generate with F16 copies of their weights; a freshly trained model should match. */
    public boolean halfPrecisionInference() {
        return halfPrecisionInference;
    }

    /** The directory a reference resolves to on this machine, or empty. */
    public Optional<Path> directory(String ref) {
        return lookup.directory(ref);
    }

    public synchronized Status status(String ref) {
        Optional<Path> dir = lookup.directory(ref);
        if (dir.isEmpty()) {
            return new Status(State.NOT_INSTALLED, new ModelNotInstalledException(ref).getMessage());
        }
        Holder holder = models.get(dir.get());
        if (holder == null) {
            return new Status(State.INSTALLED, null);
        }
        if (!holder.future.isDone()) {
            return new Status(State.LOADING, "Loading " + ref + " into memory…");
        }
        if (holder.future.isCompletedExceptionally()) {
            return new Status(State.FAILED, failure(holder.future));
        }
        return new Status(State.READY, null);
    }

    /**
     * A lease on the loaded model, loading it first when needed. Completes exceptionally with an error that names
     * the problem (missing file, unsupported architecture…); throws {@link ModelNotInstalledException} at once when
     * the model is not on this machine.
     */
    public synchronized CompletableFuture<Lease> lease(String ref) {
        Path dir = lookup.directory(ref).orElseThrow(() -> new ModelNotInstalledException(ref));
        Holder holder = models.get(dir);
        if (holder == null || holder.future.isCompletedExceptionally()) {
            CompletableFuture<LanguageModel> future = CompletableFuture.supplyAsync(() -> {
                Log.infof("Loading base model %s from %s", ref, dir);
                try {
                    LanguageModel model = LanguageModel.load(dir);
                    model.model().setHalfPrecisionInference(halfPrecisionInference);
                    if (halfPrecisionInference && !Torch.vectorKernels()) {
                        Log.warnf("Decoding %s through libtorch: start Java with --add-modules jdk.incubator.vector "
                                + "for the engine's vector kernels (faster decoding, and a base+tuned pair for little "
                                + "more than one row)", ref);
                    }
                    return model;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, loader);
            holder = new Holder(dir, future);
            models.put(dir, holder);
        }
        Holder leased = holder;
        leased.leases++;
        evictBeyondLimit();
        return leased.future.handle((model, error) -> {
            if (error != null) {
                synchronized (this) {
                    leased.leases--;
                }
                throw error instanceof RuntimeException re ? re : new IllegalStateException(error);
            }
            return new Lease(leased, model);
        });
    }

    private void evictBeyondLimit() {
        var it = models.values().iterator();
        int excess = models.size() - Math.max(1, maxLoaded);
        while (excess > 0 && it.hasNext()) {
            Holder eldest = it.next();
            if (eldest.leases == 0) {
                it.remove();
                eldest.evicted = true;
                closeIfUnused(eldest);
                excess--;
            }
        }
    }

    private void closeIfUnused(Holder holder) {
        if (holder.evicted && holder.leases == 0) {
            holder.future.thenAccept(model -> {
                Log.infof("Unloading base model %s (least recently used)", holder.dir);
                model.close();
            });
        }
    }

    private static String failure(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof UncheckedIOException io && io.getCause() != null) {
                cause = io.getCause();
            }
            return cause.getMessage();
        }
    }

    @PreDestroy
    synchronized void close() {
        models.values().forEach(h -> h.future.thenAccept(LanguageModel::close));
        models.clear();
        loader.shutdownNow();
    }
}
