package dev.personaforge.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds models already downloaded by Python tools into the standard Hugging Face cache
 * ({@code $HF_HOME/hub/models--owner--name/snapshots/<commit>/}), so they need no second download.
 */
public final class HfCache {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path hubDir;

    private HfCache(Path hubDir) {
        this.hubDir = Objects.requireNonNull(hubDir, "hubDir");
    }

    /** The cache under {@code hfHome} (the value of {@code HF_HOME}), i.e. {@code hfHome/hub}. */
    public static HfCache atHome(Path hfHome) {
        return new HfCache(hfHome.resolve("hub"));
    }

    /** The cache at {@code hubCacheDir} itself (the value of {@code HF_HUB_CACHE}). */
    public static HfCache atHubCache(Path hubCacheDir) {
        return new HfCache(hubCacheDir);
    }

    /** The cache the Python tools would use in this process's environment. */
    public static HfCache fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * The cache named by {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
     * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub} — the order
     * {@code huggingface_hub} uses.
     */
    public static HfCache fromEnvironment(Map<String, String> env, Path userHome) {
        if (present(env.get("HF_HUB_CACHE"))) {
            return atHubCache(Path.of(env.get("HF_HUB_CACHE")));
        }
        if (present(env.get("HF_HOME"))) {
            return atHome(Path.of(env.get("HF_HOME")));
        }
        Path cacheHome = present(env.get("XDG_CACHE_HOME")) ? Path.of(env.get("XDG_CACHE_HOME")) : userHome.resolve(".cache");
        return atHome(cacheHome.resolve("huggingface"));
    }

    /** The cache's {@code hub} directory. */
    public Path hubDir() {
        return hubDir;
    }

    /** The cache folder of a model, {@code models--owner--name}, whether or not it exists. */
    public Path repoDir(String repoId) {
        return hubDir.resolve("models--" + RepoId.owner(repoId) + "--" + RepoId.name(repoId));
    }

    /** A usable snapshot of {@code repoId} at {@code main}. */
    public Optional<Path> find(String repoId) {
        return find(repoId, "main");
    }

    /**
     * A usable snapshot of {@code repoId} at {@code revision} (branch, tag or commit): one holding
     * {@code config.json}, {@code tokenizer.json} and all safetensors weights, directly or as symbolic links
     * into {@code blobs/}.
     */
    public Optional<Path> find(String repoId, String revision) {
        return snapshot(repoId, revision).filter(dir -> WeightFiles.missingForEngine(dir).isEmpty());
    }

    /**
     * The snapshot directory {@code revision} points at, complete or not.
     */
    public Optional<Path> snapshot(String repoId, String revision) {
        String rev = revision == null || revision.isBlank() ? "main" : revision;
        Path repo = repoDir(repoId);
        Optional<String> commit = COMMIT.matcher(rev).matches() ? Optional.of(rev) : readRef(repo, rev);
        return commit.map(c -> repo.resolve("snapshots").resolve(c)).filter(Files::isDirectory);
    }

    /**
     * What a snapshot lacks for the engine, empty when it is usable; for telling a user why a cached copy
     * was not used.
     */
    public static List<String> missingFiles(Path snapshot) {
        return WeightFiles.missingForEngine(snapshot);
    }

    private static Optional<String> readRef(Path repo, String rev) {
        Path ref = repo.resolve("refs").resolve(rev).normalize();
        if (!ref.startsWith(repo.resolve("refs")) || !Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            return COMMIT.matcher(commit).matches() ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
