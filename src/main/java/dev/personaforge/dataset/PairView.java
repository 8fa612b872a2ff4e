package dev.personaforge.dataset;

import java.time.Instant;
import java.util.List;

/**
 * A pair as shown and returned by the API: {@code split} is what the person chose (auto, train, validation),
 * {@code effectiveSplit} is where the pair goes for training (train or validation).
 */
public record PairView(long id, String prompt, String completion, List<String> tags, String split,
                       String effectiveSplit, Instant createdAt, Instant updatedAt) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static PairView of(TrainingPair p, PairSplit effective) {
        return new PairView(p.id, p.prompt, p.completion, p.tagList(), p.split.wireName(),
                effective.wireName(), p.createdAt, p.updatedAt);
    }

    /** The editable fields as JSON, carried by the table row for inline editing in the browser. */
    public String json() {
        try {
            return JSON.writeValueAsString(java.util.Map.of("prompt", prompt, "completion", completion, "tags", tags,
                    "split", split));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write pair " + id + " as JSON", e);
        }
    }

    public boolean pinned() {
        return !"auto".equals(split);
    }
}
