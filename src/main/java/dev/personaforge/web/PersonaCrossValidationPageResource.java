package dev.personaforge.web;

import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.PairQuery;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.run.CrossValidation;
import dev.personaforge.run.CrossValidationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Starting a k-fold cross-validation from the persona page's fine-tuning form. */
@Path("/personas/{id}/cross-validations")
@Produces(MediaType.TEXT_HTML)
public class PersonaCrossValidationPageResource {

    @Inject
    CrossValidationService crossValidations;

    @Inject
    PersonaService personas;

    @Inject
    PersonaPageResource personaPages;

    @Inject
    TrainingPanels trainingPanels;

    /** Queues the folds and shows the cross-validation page, or the persona page with what is wrong. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response start(@PathParam("id") long id, @BeanParam RunForm form) {
        Persona persona = personas.get(id);
        try {
            CrossValidation cv = crossValidations.create(id, form.folds(), form.toSettings());
            return PersonaPageResource.seeOther("/cross-validations/" + cv.id + "?notice=started");
        } catch (ValidationException e) {
            return Response.status(400).entity(personaPages.page(persona, new PairQuery(null, null, null, 0, 0), null,
                    null, PairForm.empty(), null, trainingPanels.with(persona, form, e))).build();
        }
    }
}
