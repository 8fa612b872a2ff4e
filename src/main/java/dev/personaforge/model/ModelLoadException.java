package dev.personaforge.model;

import java.io.IOException;

/** A model, adapter or tokenizer directory that cannot be loaded; the message names the file and the problem. */
public class ModelLoadException extends IOException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
