package dev.personaforge.web;

import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.run.CrossValidationService;
import dev.personaforge.run.CrossValidationView;
import dev.personaforge.run.TrainingRun;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The cross-validation page: the folds' validation losses as they finish, cancel all, keep a fold, retrain. */
@Path("/cross-validations")
@Produces(MediaType.TEXT_HTML)
public class CrossValidationPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance crossValidation(Persona persona, CrossValidationView cv, String notice);
    }

    @Inject
    CrossValidationService crossValidations;

    @Inject
    PersonaService personas;

    @GET
    @Path("{id}")
    public TemplateInstance show(@PathParam("id") long id, @QueryParam("notice") String notice) {
        CrossValidationView cv = crossValidations.view(crossValidations.get(id));
        return Templates.crossValidation(personas.get(cv.personaId()), cv, notice == null ? null : switch (notice) {
            case "started" -> "Cross-validation queued: its folds train one after another.";
            case "cancel" -> "Cancelled: queued folds at once, the running fold after its current step.";
            case "kept" -> "Fold kept; the other folds' models were deleted.";
            default -> null;
        });
    }

    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        crossValidations.cancel(id);
        return PersonaPageResource.seeOther("/cross-validations/" + id + "?notice=cancel");
    }

    @POST
    @Path("{id}/keep/{runId}")
    public Response keep(@PathParam("id") long id, @PathParam("runId") long runId) {
        crossValidations.keep(id, runId);
        return PersonaPageResource.seeOther("/cross-validations/" + id + "?notice=kept");
    }

    @POST
    @Path("{id}/retrain")
    public Response retrain(@PathParam("id") long id) {
        TrainingRun run = crossValidations.retrain(id);
        return PersonaPageResource.seeOther("/runs/" + run.id + "?notice=started");
    }
}
