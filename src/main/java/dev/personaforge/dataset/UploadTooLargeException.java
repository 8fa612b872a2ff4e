package dev.personaforge.dataset;

/** Thrown when an import file is over the configured upload limit; maps to 413 with this message. */
public class UploadTooLargeException extends RuntimeException {

    public UploadTooLargeException(long size, long limit) {
        super(String.format("The file is %s; the upload limit is %s. Split it into smaller files and import them one by one.",
                human(size), human(limit)));
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        return String.format("%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
