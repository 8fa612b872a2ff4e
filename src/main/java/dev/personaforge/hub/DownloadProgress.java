package dev.personaforge.hub;

import java.util.Objects;

/**
 * A snapshot of a model download's progress, for a progress bar.
 *
 * @param repoId       the model being downloaded
 * @param file         the file being transferred
 * @param fileDone     bytes of that file on disk so far
 * @param fileTotal    size of that file
 * @param overallDone  bytes of all the model's files on disk so far
 * @param overallTotal size of all the model's files
 */
public record DownloadProgress(String repoId, String file, long fileDone, long fileTotal, long overallDone,
                               long overallTotal) {

    public DownloadProgress {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(file, "file");
        if (fileDone < 0 || fileDone > fileTotal || overallDone < 0 || overallDone > overallTotal) {
            throw new IllegalArgumentException("Inconsistent progress for " + file + ": " + fileDone + "/"
                    + fileTotal + " of file, " + overallDone + "/" + overallTotal + " overall");
        }
    }

    /** Overall completion between 0 and 1 (1 for an empty download). */
    public double fraction() {
        return overallTotal == 0 ? 1.0 : (double) overallDone / overallTotal;
    }
}
