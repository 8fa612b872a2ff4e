package dev.personaforge.basemodel;

/** Thrown when a base model is needed but is neither a local directory nor downloaded nor in the HF cache. */
public class ModelNotInstalledException extends RuntimeException {

    public ModelNotInstalledException(String ref) {
        super("The base model " + ref + " is not on this machine. Download it on the Models page, or set the persona's "
                + "base model to a local model directory (one with config.json, tokenizer.json and *.safetensors).");
    }
}
