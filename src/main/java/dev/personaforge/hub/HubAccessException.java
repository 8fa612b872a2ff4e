package dev.personaforge.hub;

/**
 * The Hub refused access (HTTP 401 or 403): the model is gated or private, or the token was rejected.
 */
public final class HubAccessException extends HubException {

    private final int status;
    private final String repoId;

    public HubAccessException(String repoId, int status, String message) {
        super(message);
        this.repoId = repoId;
        this.status = status;
    }

    /** The HTTP status the Hub answered, 401 or 403. */
    public int status() {
        return status;
    }

    /** The model whose access was refused. */
    public String repoId() {
        return repoId;
    }
}
