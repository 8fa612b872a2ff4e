package dev.personaforge.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** Typed application settings under the {@code forge.} prefix (see application.properties and README). */
@ConfigMapping(prefix = "forge")
public interface ForgeConfig {

    /** Folder for runtime state: database, downloaded models, runs and adapters. */
    @WithDefault("data")
    Path dataDir();

    /**
     * Folder for downloaded base models and run outputs (adapters, models, exports); defaults to
     * {@link #dataDir()}. Several instances sharing one database point this at one shared folder (NFS, a volume).
     */
    Optional<Path> storageDir();

    /** Where run outputs live: {@code <storage>/runs/<run id>/}. */
    default Path runsDir() {
        return storageDir().orElse(dataDir()).resolve("runs");
    }

    /** Where base models are downloaded: {@code <storage>/models/<owner>/<name>/}. */
    default Path modelsDir() {
        return storageDir().orElse(dataDir()).resolve("models");
    }

    Dataset dataset();

    Hub hub();

    /** Where base models are downloaded from. */
    interface Hub {
        /** The Hub's address; defaults to HF_ENDPOINT, else https://huggingface.co. */
        java.util.Optional<String> endpoint();

        /** Access token for gated or private models; defaults to HF_TOKEN. */
        java.util.Optional<String> token();
    }

    /** Limits and thresholds for training pairs and imports. */
    interface Dataset {
        /** Largest accepted prompt or completion, in characters (the database columns hold 20,000). */
        @WithDefault("16000")
        int maxFieldChars();

        /** Largest accepted import file, in bytes. */
        @WithDefault("10485760")
        long maxUploadBytes();

        /** Most pairs one import file may add. */
        @WithDefault("50000")
        int maxPairsPerImport();

        /** How many import errors are listed; the total is always reported. */
        @WithDefault("100")
        int maxErrorsListed();

        /** Pairs longer than this many characters get a warning. */
        @WithDefault("4000")
        int longPairChars();

        /** Pairs longer than this many tokens get a warning (when a tokenizer is available). */
        @WithDefault("512")
        int longPairTokens();

        /** Default page size of the pairs table. */
        @WithDefault("50")
        int pageSize();
    }
}
