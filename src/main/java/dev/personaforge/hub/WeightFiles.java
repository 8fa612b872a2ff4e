package dev.personaforge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Knows which files hold a model's safetensors weights: one {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}.
 */
final class WeightFiles {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private WeightFiles() {
    }

    /** The distinct shard names in an index's {@code weight_map}, in first-seen order. */
    static List<String> shardsOf(JsonNode index, String where) throws IOException {
        JsonNode map = index.path("weight_map");
        if (!map.isObject() || map.isEmpty()) {
            throw new IOException(INDEX + " in " + where + " has no weight_map, so the weight shards are unknown; "
                    + "download the model again");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (JsonNode file : map) {
            String name = file.asText();
            if (name.isBlank() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IOException(INDEX + " in " + where + " names an unsafe weight file '" + name + "'");
            }
            shards.add(name);
        }
        return new ArrayList<>(shards);
    }

    /** Parses an index file's bytes into its shard names. */
    static List<String> shardsOf(byte[] index, String where) throws IOException {
        return shardsOf(JSON.readTree(index), where);
    }

    /**
     * The weight files a local directory declares: the index's shards, else {@code model.safetensors} when
     * present; empty when the directory has neither.
     */
    static List<String> declared(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return shardsOf(Files.readAllBytes(index), dir.toString());
        }
        return Files.isRegularFile(dir.resolve(SINGLE)) ? List.of(SINGLE) : List.of();
    }

    /**
     * The files the engine needs that {@code dir} lacks: {@code config.json}, {@code tokenizer.json} and the
     * weights (every shard of an index). Symbolic links count when their target exists.
     */
    static List<String> missingForEngine(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String required : List.of("config.json", "tokenizer.json")) {
            if (!Files.isRegularFile(dir.resolve(required))) {
                missing.add(required);
            }
        }
        try {
            List<String> weights = declared(dir);
            if (weights.isEmpty()) {
                missing.add(SINGLE + " (or " + INDEX + " and its shards)");
            }
            for (String w : weights) {
                if (!Files.isRegularFile(dir.resolve(w))) {
                    missing.add(w);
                }
            }
        } catch (IOException e) {
            missing.add(INDEX + " (unreadable: " + e.getMessage() + ")");
        }
        return missing;
    }
}
