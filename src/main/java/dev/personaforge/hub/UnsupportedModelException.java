package dev.personaforge.hub;

/**
 * The repository has nothing the engine can load, typically no safetensors weights.
 */
public final class UnsupportedModelException extends HubException {

    public UnsupportedModelException(String message) {
        super(message);
    }
}
