package dev.personaforge.web;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
import dev.personaforge.run.CrossValidationService;
import dev.personaforge.run.RunEstimate;
import dev.personaforge.run.RunEstimator;
import dev.personaforge.run.RunService;
import dev.personaforge.run.RunSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Builds the fine-tuning panel of the persona page. */
@ApplicationScoped
public class TrainingPanels {

    @Inject
    RunService runs;

    @Inject
    RunEstimator estimator;

    @Inject
    BaseModelRegistry models;

    @Inject
    CrossValidationService crossValidations;

    /** The panel as first shown: the balanced preset and its estimate. */
    TrainingPanel initial(Persona persona) {
        RunSettings settings = RunSettings.preset("balanced", persona.validationRatio);
        return with(persona, RunForm.of(settings), null);
    }

    /** The panel for a form as posted: its estimate, or the problems that stop one. */
    TrainingPanel with(Persona persona, RunForm form, ValidationException errors) {
        RunEstimate estimate = null;
        ValidationException problems = errors;
        if (problems == null) {
            try {
                estimate = estimator.estimate(persona.id, form.toSettings());
            } catch (ValidationException e) {
                problems = e;
            }
        }
        return new TrainingPanel(form, problems, estimate, models.status(persona.baseModel),
                runs.list(persona.id).stream().map(runs::view).toList(),
                crossValidations.list(persona.id).stream().map(crossValidations::view).toList());
    }
}
