package dev.personaforge.dataset;

import java.util.List;

/**
 * A pair as typed in the browser or sent to the API. Empty texts are allowed (a draft being written);
 * they are reported by the statistics and skipped when training.
 */
public record PairInput(String prompt, String completion, List<String> tags, String split) {
}
