package dev.personaforge.api;

import dev.personaforge.run.RunSettings;

/** What starting a cross-validation takes: the number of folds k (3–10) and the run settings for every fold. */
public record CrossValidationRequest(Integer k, RunSettings settings) {
}
