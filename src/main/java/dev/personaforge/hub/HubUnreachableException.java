package dev.personaforge.hub;

import java.net.URI;

/**
 * The Hub (or the mirror in {@code HF_ENDPOINT}) could not be reached at all: no connection, a timeout,
 * an unknown host.
 */
public final class HubUnreachableException extends HubException {

    private final URI endpoint;

    public HubUnreachableException(URI endpoint, Throwable cause) {
        super(message(endpoint, cause), cause);
        this.endpoint = endpoint;
    }

    /** The endpoint that could not be reached. */
    public URI endpoint() {
        return endpoint;
    }

    private static String message(URI endpoint, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null
                ? cause == null ? "no answer" : cause.getClass().getSimpleName()
                : cause.getMessage();
        return "The Hugging Face Hub at " + endpoint + " can't be reached (" + detail + "). "
                + "Check the network connection, or use a model that is already on this machine: "
                + "give the path of a local model directory (with config.json, tokenizer.json and "
                + "*.safetensors) as the base model, or set HF_ENDPOINT to a reachable Hub mirror.";
    }
}
