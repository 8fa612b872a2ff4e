package dev.personaforge.hub;

/**
 * A download was cancelled; its {@code .part} files stay so a later download resumes them.
 */
public final class DownloadCancelledException extends HubException {

    public DownloadCancelledException(String repoId) {
        super("The download of " + repoId + " was cancelled. Files already fetched and partial files are "
                + "kept; start the download again to resume where it stopped.");
    }
}
