package dev.personaforge.hub;

import java.util.Objects;

/**
 * One file of a Hub repository at a commit, as listed in the {@code siblings} of the model info.
 *
 * @param path      path inside the repository, with {@code /} separators
 * @param size      size in bytes, or {@code -1} when the Hub did not report it
 * @param blobId    git blob SHA-1 of the file, or {@code null} when not reported
 * @param lfsSha256 SHA-256 of the content for files stored in LFS, else {@code null}
 */
public record RepoFile(String path, long size, String blobId, String lfsSha256) {

    public RepoFile {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("A repository file needs a path");
        }
        if (size < -1) {
            throw new IllegalArgumentException("Size of " + path + " can't be " + size);
        }
        blobId = blank(blobId) ? null : blobId.toLowerCase(java.util.Locale.ROOT);
        lfsSha256 = blank(lfsSha256) ? null : lfsSha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the Hub reported the file's size. */
    public boolean hasSize() {
        return size >= 0;
    }

    /** Whether the file lives in Git LFS (weights do; configs don't). */
    public boolean isLfs() {
        return lfsSha256 != null;
    }

    /** Whether the file sits at the top of the repository rather than in a folder. */
    public boolean isTopLevel() {
        return path.indexOf('/') < 0;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
