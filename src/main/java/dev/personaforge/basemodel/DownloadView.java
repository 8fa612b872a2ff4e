package dev.personaforge.basemodel;

/**
 * Where a model download stands: {@code RUNNING}, {@code DONE}, {@code FAILED} or {@code CANCELLED}, with bytes
 * done and in all, the file in transfer, and on failure a message saying what to do.
 */
public record DownloadView(String model, String state, String file, long bytesDone, long bytesTotal, String error) {

    public double fraction() {
        return bytesTotal <= 0 ? 0 : Math.min(1.0, bytesDone / (double) bytesTotal);
    }

    public boolean finished() {
        return !"RUNNING".equals(state);
    }
}
