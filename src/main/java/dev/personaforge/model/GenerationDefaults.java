package dev.personaforge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model's {@code generation_config.json}: default sampling settings and end-of-sequence ids. */
public record GenerationDefaults(boolean doSample, double temperature, int topK, double topP,
        double repetitionPenalty, int maxNewTokens, List<Integer> eosTokenIds) {

    public GenerationDefaults {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads {@code generation_config.json} if present; transformers' defaults otherwise. */
    public static GenerationDefaults load(Path dir, List<Integer> configEos) throws IOException {
        Path file = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return new GenerationDefaults(false, 1.0, 50, 1.0, 1.0, 256, configEos);
        }
        JsonNode g;
        try {
            g = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ModelLoadException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode e = g.path("eos_token_id");
        if (e.isArray()) {
            e.forEach(n -> eos.add(n.asInt()));
        } else if (e.isNumber()) {
            eos.add(e.asInt());
        } else {
            eos.addAll(configEos);
        }
        return new GenerationDefaults(
                g.path("do_sample").asBoolean(false),
                g.path("temperature").asDouble(1.0),
                g.path("top_k").asInt(50),
                g.path("top_p").asDouble(1.0),
                g.path("repetition_penalty").asDouble(1.0),
                g.path("max_new_tokens").asInt(256),
                eos);
    }

    /** These defaults as sampling settings with the given token budget. */
    public SamplingParams toSampling(int maxNewTokens, long seed) {
        return new SamplingParams(doSample, temperature > 0 ? temperature : 1.0, Math.max(0, topK),
                topP > 0 && topP <= 1 ? topP : 1.0, repetitionPenalty > 0 ? repetitionPenalty : 1.0,
                seed, maxNewTokens, List.of());
    }
}
