package dev.personaforge.hub;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One running model download, shared by everyone who asked for the same model.
 *
 * <p>Cancelling affects all sharers: there is only one transfer and one set of files.
 */
public final class DownloadHandle {

    private final String repoId;
    private final CompletableFuture<InstallMarker> result = new CompletableFuture<>();
    private final List<Consumer<DownloadProgress>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<DownloadProgress> last = new AtomicReference<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<AutoCloseable> activeStream = new AtomicReference<>();
    private Thread worker;

    DownloadHandle(String repoId) {
        this.repoId = Objects.requireNonNull(repoId, "repoId");
    }

    /** The model being downloaded. */
    public String repoId() {
        return repoId;
    }

    /**
     * Completes with the install marker, or exceptionally with a {@link HubException}. Each call returns a
     * dependent copy, so one sharer completing or cancelling it can't affect the others; use {@link #cancel()}
     * to stop the download.
     */
    public CompletableFuture<InstallMarker> result() {
        return result.copy();
    }

    /** Waits for the download and returns its marker, rethrowing its {@link HubException} as is. */
    public InstallMarker await() throws HubException, InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HubException hub) {
                throw hub;
            }
            throw new HubException("The download of " + repoId + " failed: " + cause, cause);
        }
    }

    /**
     * Stops the download soon (within one buffer of data); fetched files and {@code .part} files stay for a
     * later resume. The result then fails with {@link DownloadCancelledException}.
     */
    public void cancel() {
        cancelled.set(true);
        synchronized (this) {
            if (worker != null) {
                // Wakes a read blocked on a stalled connection; the worker clears the flag when it ends.
                worker.interrupt();
            }
        }
        AutoCloseable stream = activeStream.get();
        if (stream != null) {
            try {
                // Closing unblocks a read that waits on a stalled connection.
                stream.close();
            } catch (Exception e) {
                // The loop notices the cancellation flag either way.
            }
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled.get();
    }

    /**
     * Adds a progress listener; it first receives the latest progress, if any. Listeners are called on the
     * download thread and should return quickly.
     *
     * @return an action that removes the listener again
     */
    public Runnable subscribe(Consumer<DownloadProgress> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        DownloadProgress p = last.get();
        if (p != null) {
            notify(listener, p);
        }
        return () -> listeners.remove(listener);
    }

    /** The latest progress reported, if the transfer has started. */
    public Optional<DownloadProgress> lastProgress() {
        return Optional.ofNullable(last.get());
    }

    void publish(DownloadProgress progress) {
        last.set(progress);
        for (Consumer<DownloadProgress> l : listeners) {
            notify(l, progress);
        }
    }

    synchronized void workerStarted() {
        worker = Thread.currentThread();
        if (cancelled.get()) {
            worker.interrupt();
        }
    }

    synchronized void workerFinished() {
        worker = null;
        Thread.interrupted();
    }

    void streamOpened(AutoCloseable stream) {
        activeStream.set(stream);
        if (cancelled.get()) {
            cancel();
        }
    }

    void streamClosed() {
        activeStream.set(null);
    }

    CompletableFuture<InstallMarker> future() {
        return result;
    }

    private static void notify(Consumer<DownloadProgress> listener, DownloadProgress progress) {
        try {
            listener.accept(progress);
        } catch (RuntimeException e) {
            // A broken progress display must not abort a download of several gigabytes.
        }
    }
}
