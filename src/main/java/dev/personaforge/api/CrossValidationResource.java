package dev.personaforge.api;

import dev.personaforge.run.CrossValidationService;
import dev.personaforge.run.CrossValidationView;
import dev.personaforge.run.RunService;
import dev.personaforge.run.TrainingRun;
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

/** JSON API for one cross-validation: its folds and statistics, cancel as one job, keep a fold, retrain on all pairs. */
@Path("/api/cross-validations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cross-validation")
public class CrossValidationResource {

    @Inject
    CrossValidationService crossValidations;

    @Inject
    RunService runs;

    @GET
    @Path("/{id}")
    @Operation(summary = "A cross-validation: each fold's run, status and validation loss, and their mean and sample "
            + "standard deviation (n − 1) over the folds that succeeded")
    public CrossValidationView get(@PathParam("id") long id) {
        return crossValidations.view(crossValidations.get(id));
    }

    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Cancel every fold: queued folds at once, the running fold after its current step")
    public CrossValidationView cancel(@PathParam("id") long id) {
        crossValidations.cancel(id);
        return get(id);
    }

    @POST
    @Path("/{id}/keep/{runId}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Keep one succeeded fold's model", description = "The other folds' saved weights are deleted "
            + "(metrics and evaluations stay). 409 while folds still run, for a fold that did not succeed, or when "
            + "another fold is already kept.")
    public CrossValidationView keep(@PathParam("id") long id, @PathParam("runId") long runId) {
        crossValidations.keep(id, runId);
        return get(id);
    }

    @POST
    @Path("/{id}/retrain")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Queue one ordinary run with the same settings on all the pairs", description = "Every pair "
            + "trains (no validation split, so no early stopping). 409 when it was already retrained.")
    public Response retrain(@PathParam("id") long id) {
        TrainingRun run = crossValidations.retrain(id);
        return Response.created(UriBuilder.fromResource(RunResource.class).path("{id}").build(run.id))
                .entity(runs.view(run)).build();
    }
}
