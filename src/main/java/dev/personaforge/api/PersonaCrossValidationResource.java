package dev.personaforge.api;

import dev.personaforge.run.CrossValidation;
import dev.personaforge.run.CrossValidationService;
import dev.personaforge.run.CrossValidationView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** JSON API for starting and listing the k-fold cross-validations of one persona. */
@Path("/api/personas/{personaId}/cross-validations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cross-validation")
public class PersonaCrossValidationResource {

    @Inject
    CrossValidationService crossValidations;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a k-fold cross-validation", description = "Body: {\"k\": 3..10, \"settings\": {run "
            + "settings as for a run}}. Shuffles the persona's usable pairs with the settings' seed, cuts them into k "
            + "near-equal folds and queues k runs, each validating on one fold and training on the others. The "
            + "validation ratio and pinned split markers are ignored. Needs at least 3 pairs per fold (and 10 in all).")
    public Response start(@PathParam("personaId") long personaId, CrossValidationRequest request) {
        CrossValidationRequest r = request == null ? new CrossValidationRequest(null, null) : request;
        CrossValidation cv = crossValidations.create(personaId, r.k(), r.settings());
        return Response.created(UriBuilder.fromResource(CrossValidationResource.class).path("{id}").build(cv.id))
                .entity(crossValidations.view(cv)).build();
    }

    @GET
    @Operation(summary = "A persona's cross-validations, newest first")
    public List<CrossValidationView> list(@PathParam("personaId") long personaId) {
        return crossValidations.list(personaId).stream().map(crossValidations::view).toList();
    }
}
