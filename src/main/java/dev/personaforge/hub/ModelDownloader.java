package dev.personaforge.hub;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Downloads the files the engine needs of a Hub model into {@code <modelsDir>/<owner>/<name>/}, verified and
 * resumable, sharing one download among everyone who asks for the same model at the same time.
 *
 * <p>Fetched: {@code config.json}, {@code generation_config.json}, {@code tokenizer.json},
 * {@code tokenizer_config.json}, {@code special_tokens_map.json}, {@code chat_template.jinja}, {@code README.md},
 * {@code USE_POLICY.md}, {@code LICENSE*} when present, and {@code model.safetensors} or the index with all its
 * shards. Each file goes to {@code <name>.part}, is checked against the size and hash the Hub reports and is
 * then renamed; the {@code .complete} marker comes last. Progress is published at the start and end of every
 * file and at most every 200 ms in between.
 */
public final class ModelDownloader {

    private final HubClient hub;
    private final Path modelsDir;
    private final Executor executor;
    private final ConcurrentMap<String, DownloadHandle> inFlight = new ConcurrentHashMap<>();

    /** A downloader that runs each download on a daemon thread of its own. */
    public ModelDownloader(HubClient hub, Path modelsDir) {
        this(hub, modelsDir, ModelDownloader::daemonThread);
    }

    /** A downloader that runs downloads on {@code executor}. */
    public ModelDownloader(HubClient hub, Path modelsDir, Executor executor) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.modelsDir = Objects.requireNonNull(modelsDir, "modelsDir");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The directory holding all downloaded models. */
    public Path modelsDir() {
        return modelsDir;
    }

    /** Where {@code repoId} is (or will be) installed: {@code <modelsDir>/<owner>/<name>}. */
    public Path directoryFor(String repoId) {
        return directoryFor(modelsDir, repoId);
    }

    /** Where {@code repoId} is installed under {@code modelsDir}. */
    public static Path directoryFor(Path modelsDir, String repoId) {
        return modelsDir.resolve(RepoId.owner(repoId)).resolve(RepoId.name(repoId));
    }

    /** The install marker of {@code repoId} when it is fully downloaded (marker present, files intact in size). */
    public Optional<InstallMarker> installed(String repoId) {
        return installedIn(directoryFor(repoId));
    }

    /** The marker of {@code dir} when the directory is a complete install. */
    public static Optional<InstallMarker> installedIn(Path dir) {
        return InstallMarker.read(dir).filter(m -> m.filesPresent(dir));
    }

    /**
     * Starts downloading {@code repoId}, or joins the download already running for it.
     *
     * <p>Downloads are keyed by model id alone, because they share one directory: a request for another
     * revision while one runs joins the running one. An install already complete at the revision's commit
     * finishes at once without transferring anything.
     *
     * @param repoId   {@code owner/name}
     * @param revision branch, tag or commit; {@code null} means {@code main}
     */
    public DownloadHandle download(String repoId, String revision) {
        RepoId.require(repoId);
        DownloadHandle[] created = new DownloadHandle[1];
        DownloadHandle handle = inFlight.computeIfAbsent(key(repoId), k -> created[0] = new DownloadHandle(repoId));
        if (created[0] == handle) {
            start(handle, revision);
        }
        return handle;
    }

    /** The download running for {@code repoId}, if any, to subscribe to its progress. */
    public Optional<DownloadHandle> inFlight(String repoId) {
        return Optional.ofNullable(inFlight.get(key(repoId)));
    }

    /** All downloads running now, for a downloads page. */
    public Collection<DownloadHandle> running() {
        return List.copyOf(inFlight.values());
    }

    private void start(DownloadHandle handle, String revision) {
        ModelInstall install = new ModelInstall(hub, directoryFor(handle.repoId()), handle, revision);
        try {
            executor.execute(() -> finish(handle, install));
        } catch (RejectedExecutionException e) {
            inFlight.remove(key(handle.repoId()), handle);
            handle.future().completeExceptionally(new HubException("The download of " + handle.repoId()
                    + " could not be started because the application is shutting down.", e));
        }
    }

    private void finish(DownloadHandle handle, ModelInstall install) {
        InstallMarker marker = null;
        Throwable failure = null;
        handle.workerStarted();
        try {
            marker = install.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            handle.workerFinished();
        }
        if (failure != null && handle.isCancelled() && !(failure instanceof DownloadCancelledException)) {
            // Cancelling interrupts blocking calls, which then fail in their own words; report the cause instead.
            failure = new DownloadCancelledException(handle.repoId());
        }
        // Leave the map before completing, so a caller reacting to the result can start a fresh download.
        inFlight.remove(key(handle.repoId()), handle);
        if (failure != null) {
            handle.future().completeExceptionally(failure);
        } else {
            handle.future().complete(marker);
        }
    }

    /** Hub ids are case-insensitive, so two spellings of one model must not download it twice. */
    private static String key(String repoId) {
        return repoId.toLowerCase(Locale.ROOT);
    }

    private static void daemonThread(Runnable task) {
        Thread t = new Thread(task, "model-download");
        t.setDaemon(true);
        t.start();
    }
}
