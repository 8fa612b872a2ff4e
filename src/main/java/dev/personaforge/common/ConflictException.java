package dev.personaforge.common;

/** Thrown when a request is valid but the thing it addresses is in the wrong state for it; maps to 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
