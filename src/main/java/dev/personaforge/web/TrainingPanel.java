package dev.personaforge.web;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.common.ValidationException;
import dev.personaforge.run.CrossValidationView;
import dev.personaforge.run.RunEstimate;
import dev.personaforge.run.RunSettings;
import dev.personaforge.run.RunView;

import java.util.List;

/**
 * The fine-tuning part of the persona page: the settings form (possibly with errors), the pre-flight estimate,
 * whether the base model is on this machine, and the persona's runs and cross-validations.
 */
public record TrainingPanel(RunForm form, ValidationException errors, RunEstimate estimate,
                            BaseModelRegistry.Status model, List<RunView> runs,
                            List<CrossValidationView> crossValidations) {

    /** The runs that are not folds of a cross-validation (those are listed under their cross-validation). */
    public List<RunView> singleRuns() {
        return runs.stream().filter(r -> r.crossValidationId() == null).toList();
    }

    public List<String> modules() {
        return RunSettings.ALL_MODULES;
    }

    public boolean modelInstalled() {
        return model.state() != BaseModelRegistry.State.NOT_INSTALLED;
    }

    public String errorFor(String field) {
        return errors == null ? null : errors.messageFor(field);
    }
}
