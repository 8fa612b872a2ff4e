package dev.personaforge.hub;

/**
 * A file transfer broke off part way (connection dropped, stream ended early); the partial file is kept.
 */
public final class TransferInterruptedException extends HubException {

    public TransferInterruptedException(String repoId, String file, long done, long total, Throwable cause) {
        super("The download of " + file + " from " + repoId + " stopped after " + done + " of " + total
                + " bytes" + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                + ". The partial file is kept; start the download again to resume it.", cause);
    }
}
