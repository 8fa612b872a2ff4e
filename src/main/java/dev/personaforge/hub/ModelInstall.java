package dev.personaforge.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One run of a model download: picks the files, fetches each into a verified {@code .part}, renames it and
 * writes the {@code .complete} marker last.
 */
final class ModelInstall {

    /** Files besides the weights that the engine or the models page reads, fetched when the repo has them. */
    static final List<String> SUPPORT_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja", "README.md", "USE_POLICY.md");

    private static final Set<String> OTHER_WEIGHT_SUFFIXES = Set.of(".bin", ".pt", ".pth", ".gguf", ".ggml", ".h5",
            ".msgpack", ".onnx", ".ckpt", ".safetensors");
    private static final int BUFFER = 1 << 16;
    private static final long PROGRESS_INTERVAL_NANOS = 200_000_000L;

    private final HubClient hub;
    private final Path dir;
    private final DownloadHandle handle;
    private final String repoId;
    private final String revision;
    private long overallDone;
    private long overallTotal;
    private long lastProgressNanos;

    ModelInstall(HubClient hub, Path dir, DownloadHandle handle, String revision) {
        this.hub = hub;
        this.dir = dir;
        this.handle = handle;
        this.repoId = handle.repoId();
        this.revision = revision == null || revision.isBlank() ? "main" : revision;
    }

    InstallMarker run() throws HubException {
        RepoInfo info;
        try {
            info = hub.info(repoId, revision);
        } catch (HubUnreachableException e) {
            // Offline with a complete install of the default branch: use what is here rather than fail.
            Optional<InstallMarker> here = ModelDownloader.installedIn(dir);
            if (here.isPresent() && "main".equals(revision)) {
                return here.get();
            }
            throw e;
        }
        Optional<InstallMarker> existing = ModelDownloader.installedIn(dir);
        if (existing.isPresent() && existing.get().commit().equals(info.sha())) {
            return existing.get();
        }
        return install(info);
    }

    private InstallMarker install(RepoInfo info) throws HubException {
        List<RepoFile> support = supportFiles(info);
        Optional<RepoFile> index = info.file(WeightFiles.INDEX);
        Optional<RepoFile> single = info.file(WeightFiles.SINGLE);
        if (index.isEmpty() && single.isEmpty()) {
            throw unsupported(info);
        }
        prepareDirectory();
        List<RepoFile> plan = new ArrayList<>(support);
        if (index.isPresent()) {
            fetch(index.get(), info.sha());
            plan.add(index.get());
            plan.addAll(shards(info, index.get()));
        } else {
            plan.add(single.get());
        }
        overallTotal = plan.stream().mapToLong(RepoFile::size).sum();
        overallDone = index.map(RepoFile::size).orElse(0L);
        checkSpace(plan);
        List<InstallMarker.InstalledFile> installed = new ArrayList<>();
        for (RepoFile f : plan) {
            if (!f.path().equals(WeightFiles.INDEX)) {
                fetch(f, info.sha());
                overallDone += f.size();
            }
            installed.add(new InstallMarker.InstalledFile(f.path(), f.size()));
        }
        InstallMarker marker = new InstallMarker(repoId, info.sha(), installed, Instant.now().toString());
        try {
            marker.write(dir);
        } catch (IOException e) {
            throw new HubException("All files of " + repoId + " were downloaded but the marker "
                    + dir.resolve(InstallMarker.FILE_NAME) + " could not be written (" + e.getMessage()
                    + "); check the permissions of " + dir + " and start the download again.", e);
        }
        return marker;
    }

    private static List<RepoFile> supportFiles(RepoInfo info) {
        List<RepoFile> out = new ArrayList<>();
        for (RepoFile f : info.files()) {
            String upper = f.path().toUpperCase(Locale.ROOT);
            boolean licence = upper.startsWith("LICENSE") || upper.startsWith("LICENCE");
            if (f.isTopLevel() && (SUPPORT_FILES.contains(f.path()) || licence)) {
                out.add(f);
            }
        }
        return out;
    }

    private List<RepoFile> shards(RepoInfo info, RepoFile index) throws HubException {
        List<String> names;
        try {
            names = WeightFiles.shardsOf(Files.readAllBytes(dir.resolve(index.path())), repoId);
        } catch (IOException e) {
            throw new HubException("The weight index of " + repoId + " can't be read: " + e.getMessage(), e);
        }
        List<RepoFile> out = new ArrayList<>();
        for (String name : names) {
            out.add(info.file(name).orElseThrow(() -> new UnsupportedModelException(WeightFiles.INDEX + " of "
                    + repoId + " lists the weight file " + name + ", which the repository doesn't have at commit "
                    + info.sha() + "; the model is broken at this revision, try another one.")));
        }
        return out;
    }

    private UnsupportedModelException unsupported(RepoInfo info) {
        List<String> others = info.files().stream().map(RepoFile::path)
                .filter(p -> OTHER_WEIGHT_SUFFIXES.stream().anyMatch(s -> p.toLowerCase(Locale.ROOT).endsWith(s)))
                .limit(5).toList();
        return new UnsupportedModelException("Model " + repoId + " has no safetensors weights (no "
                + WeightFiles.SINGLE + " or " + WeightFiles.INDEX + ")"
                + (others.isEmpty() ? "" : "; it has " + String.join(", ", others))
                + "; only safetensors weights are supported. Pick a repository that provides "
                + WeightFiles.SINGLE + ", such as the original model rather than a GGUF or quantised copy.");
    }

    private void prepareDirectory() throws HubException {
        try {
            Files.createDirectories(dir);
            // An update is under way: the directory must not look installed until it is complete again.
            Files.deleteIfExists(dir.resolve(InstallMarker.FILE_NAME));
        } catch (IOException e) {
            throw new HubException("Can't create the model directory " + dir + " (" + e.getMessage()
                    + "); check that the models directory is writable.", e);
        }
    }

    private void checkSpace(List<RepoFile> plan) throws HubException {
        long needed = 0;
        for (RepoFile f : plan) {
            needed += Math.max(0, f.size() - sizeOf(target(f)) - sizeOf(partOf(target(f))));
        }
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < needed) {
                throw new HubException("Model " + repoId + " needs " + Sizes.human(needed) + " more disk space but "
                        + dir + " has only " + Sizes.human(free) + " free; free some space or move the models directory.");
            }
        } catch (IOException e) {
            // Some file systems can't report free space; the download then fails when the disk is full instead.
        }
    }

    private void fetch(RepoFile f, String commit) throws HubException {
        checkCancelled();
        if (!f.hasSize()) {
            throw new HubException("The Hub didn't report the size of " + f.path() + " in " + repoId + ", so it "
                    + "can't be verified; if HF_ENDPOINT is a mirror, it must support /api/models/...?blobs=true.");
        }
        Path target = target(f);
        Path part = partOf(target);
        try {
            Files.createDirectories(target.getParent());
            if (alreadyThere(f, target)) {
                progress(f, f.size(), true);
                return;
            }
            long resumedFrom = resumePoint(part, f);
            try {
                completePart(f, commit, part, resumedFrom);
            } catch (FileVerificationException e) {
                if (resumedFrom == 0) {
                    throw e;
                }
                // The part may be left from an older commit of the model: one fresh try before calling it corrupt.
                Files.deleteIfExists(part);
                completePart(f, commit, part, 0);
            }
            InstallMarker.moveAtomically(part, target);
            progress(f, f.size(), true);
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            throw new HubException("Can't write " + target + " (" + e.getMessage() + "); check the disk space and "
                    + "permissions of the models directory.", e);
        }
    }

    /** A final file from an earlier download is kept when its size and hash still match. */
    private boolean alreadyThere(RepoFile f, Path target) throws IOException {
        if (!Files.isRegularFile(target) || Files.size(target) != f.size()) {
            return false;
        }
        ContentHash hash = ContentHash.expectedFor(f);
        if (hash != null) {
            hashFile(target, hash);
            if (!hash.actual().equals(hash.expected())) {
                Files.delete(target);
                return false;
            }
        }
        return true;
    }

    /** Bytes already in a {@code .part} from an interrupted run; a part longer than the file is discarded. */
    private static long resumePoint(Path part, RepoFile f) throws IOException {
        long have = sizeOf(part);
        if (have > f.size()) {
            Files.delete(part);
            return 0;
        }
        return have;
    }

    /**
     * Brings the part from {@code have} bytes to the whole file and verifies it. The bytes already there are
     * hashed too, so a resumed file is checked as a whole.
     */
    private void completePart(RepoFile f, String commit, Path part, long have) throws IOException {
        ContentHash hash = ContentHash.expectedFor(f);
        if (have > 0 && hash != null) {
            hashFile(part, hash);
        }
        if (f.size() == 0) {
            Files.write(part, new byte[0]);
        }
        progress(f, have, true);
        long done = have < f.size() ? transfer(f, commit, part, have, hash) : have;
        if (done != f.size()) {
            throw new TransferInterruptedException(repoId, f.path(), done, f.size(), null);
        }
        verify(f, part, hash);
    }

    private long transfer(RepoFile f, String commit, Path part, long have, ContentHash hash) throws HubException {
        long done = have;
        try (FileStream stream = hub.openFile(repoId, commit, f.path(), have)) {
            handle.streamOpened(stream);
            checkCancelled();
            if (stream.offset() != have) {
                // The server ignored the Range header and sends the whole file: start the part over.
                done = 0;
                if (hash != null) {
                    hash.reset();
                }
            }
            StandardOpenOption mode = done == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
                done = copy(f, stream.body(), out, done, hash);
            }
            return done;
        } catch (FileVerificationException e) {
            deleteQuietly(part);
            throw e;
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            checkCancelled();
            throw new TransferInterruptedException(repoId, f.path(), Math.max(done, sizeOf(part)), f.size(), e);
        } finally {
            handle.streamClosed();
        }
    }

    private long copy(RepoFile f, InputStream in, OutputStream out, long done, ContentHash hash) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long written = done;
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (written + n > f.size()) {
                throw new FileVerificationException(repoId, f.path(), "size", f.size() + " bytes",
                        "more than " + f.size() + " bytes");
            }
            out.write(buffer, 0, n);
            if (hash != null) {
                hash.update(buffer, 0, n);
            }
            written += n;
            progress(f, written, false);
            // Checked after writing so that every byte received is kept for the resume.
            checkCancelled();
        }
        return written;
    }

    private void verify(RepoFile f, Path part, ContentHash hash) throws IOException {
        if (hash == null) {
            return;
        }
        String actual = hash.actual();
        if (!actual.equals(hash.expected())) {
            Files.deleteIfExists(part);
            throw new FileVerificationException(repoId, f.path(), hash.algorithm(), hash.expected(), actual);
        }
    }

    private void progress(RepoFile f, long fileDone, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgressNanos = now;
        long overall = Math.min(overallTotal, overallDone + fileDone);
        long total = Math.max(overallTotal, overall);
        handle.publish(new DownloadProgress(repoId, f.path(), fileDone, f.size(), overall, total));
    }

    private void checkCancelled() throws DownloadCancelledException {
        if (handle.isCancelled()) {
            throw new DownloadCancelledException(repoId);
        }
    }

    private Path target(RepoFile f) throws HubException {
        Path p = dir.resolve(f.path()).normalize();
        if (!p.startsWith(dir.normalize()) || p.equals(dir.normalize())) {
            throw new HubException("Model " + repoId + " lists an unsafe file name '" + f.path() + "'; not downloading it.");
        }
        return p;
    }

    private static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    private static void hashFile(Path file, ContentHash hash) throws IOException {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hash.update(buffer, 0, n);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // The verification error is what matters; a leftover part is re-checked by its hash next time.
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
