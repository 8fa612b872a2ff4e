package dev.personaforge.hub;

/**
 * The Hub has no such model, revision or file (HTTP 404).
 */
public final class HubNotFoundException extends HubException {

    private final String repoId;

    public HubNotFoundException(String repoId, String message) {
        super(message);
        this.repoId = repoId;
    }

    /** The model that was asked for. */
    public String repoId() {
        return repoId;
    }
}
