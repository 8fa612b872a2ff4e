package dev.personaforge.api;

import dev.personaforge.run.RunEstimate;
import dev.personaforge.run.RunEstimator;
import dev.personaforge.run.RunService;
import dev.personaforge.run.RunSettings;
import dev.personaforge.run.RunView;
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

import java.util.List;

/** JSON API for starting and listing the fine-tuning runs of one persona. */
@Path("/api/personas/{personaId}/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runs")
public class PersonaRunResource {

    @Inject
    RunService runs;

    @Inject
    RunEstimator estimator;

    @POST
    @Path("/estimate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pre-flight estimate of a run: examples, tokens, steps, time and memory on this machine")
    public RunEstimate estimate(@PathParam("personaId") long personaId, RunSettings settings) {
        return estimator.estimate(personaId, settings == null ? RunResource.empty() : settings);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start fine-tuning", description = "Snapshots the persona's pairs and system prompt and queues "
            + "the run. Omitted settings come from the preset (quick, balanced or thorough; default balanced).")
    public Response start(@PathParam("personaId") long personaId, RunSettings settings) {
        TrainingRun run = runs.create(personaId, settings == null ? RunResource.empty() : settings);
        return Response.created(UriBuilder.fromResource(RunResource.class).path("{id}").build(run.id))
                .entity(runs.view(run)).build();
    }

    @GET
    @Operation(summary = "A persona's runs, newest first")
    public List<RunView> list(@PathParam("personaId") long personaId) {
        return runs.list(personaId).stream().map(runs::view).toList();
    }
}
