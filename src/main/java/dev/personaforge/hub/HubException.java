package dev.personaforge.hub;

import java.io.IOException;

/**
 * Base of every failure the hub layer reports, carrying a message written for the person using the app.
 *
 * <p>Subclasses say what kind of failure it was so callers can react (offer a token field, a local
 * directory, a retry); the message alone is always enough to show as is.
 */
public class HubException extends IOException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
