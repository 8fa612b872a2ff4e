package dev.personaforge.hub;

/**
 * The Hub answered with an HTTP status this layer has no specific advice for (5xx, 429, ...).
 */
public final class HubHttpException extends HubException {

    private final int status;

    public HubHttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the Hub answered. */
    public int status() {
        return status;
    }
}
