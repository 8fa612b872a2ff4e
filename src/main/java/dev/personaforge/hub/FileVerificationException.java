package dev.personaforge.hub;

/**
 * A downloaded file's size or hash differs from what the Hub reports; the corrupt part was deleted.
 */
public final class FileVerificationException extends HubException {

    private final String file;
    private final String expected;
    private final String actual;

    public FileVerificationException(String repoId, String file, String what, String expected, String actual) {
        super("The download of " + file + " from " + repoId + " is corrupt: its " + what + " is " + actual
                + " but the Hub reports " + expected + ". The damaged file was deleted; start the download "
                + "again, and if it fails the same way check any proxy or mirror (HF_ENDPOINT) in between.");
        this.file = file;
        this.expected = expected;
        this.actual = actual;
    }

    /** The file name inside the repository. */
    public String file() {
        return file;
    }

    /** The value the Hub reports (hash or size). */
    public String expected() {
        return expected;
    }

    /** The value computed from the downloaded bytes. */
    public String actual() {
        return actual;
    }
}
