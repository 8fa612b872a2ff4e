package dev.personaforge.api;

import dev.personaforge.run.RunEvaluation;
import dev.personaforge.run.RunEvent;
import dev.personaforge.run.RunEvents;
import dev.personaforge.run.RunExport;
import jakarta.ws.rs.core.StreamingOutput;
import dev.personaforge.run.RunLog;
import dev.personaforge.run.RunMetric;
import dev.personaforge.run.RunService;
import dev.personaforge.run.RunSettings;
import dev.personaforge.run.RunView;
import dev.personaforge.run.TrainingRun;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

/** JSON API for fine-tuning runs: pre-flight estimate, start, progress (also live over SSE), cancel, results. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runs")
public class RunResource {

    @Inject
    RunService runs;

    @Inject
    RunEvents events;

    @Inject
    RunExport export;

    @GET
    @Path("/{id}")
    @Operation(summary = "A run: status, queue position, progress and results")
    public RunView get(@PathParam("id") long id) {
        return runs.view(runs.get(id));
    }

    @GET
    @Path("/{id}/metrics")
    @Operation(summary = "Per-step metrics: training loss, learning rate, gradient norm, tokens/s and validation")
    public List<RunMetric> metrics(@PathParam("id") long id) {
        return runs.metrics(id);
    }

    @GET
    @Path("/{id}/logs")
    @Operation(summary = "The run's log")
    public List<RunLog> logs(@PathParam("id") long id) {
        return runs.logs(id);
    }

    @GET
    @Path("/{id}/events")
    @io.smallrye.common.annotation.Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live progress as server-sent events", description = "Replays the steps so far, then streams "
            + "progress, log and status events until the run ends.")
    public Multi<RunEvent> events(@PathParam("id") long id) {
        TrainingRun run = runs.get(id);
        List<RunEvent> history = new java.util.ArrayList<>();
        history.add(RunEvent.status(run.status, run.error));
        for (RunMetric m : runs.metrics(id)) {
            history.add(RunEvent.progress(m, run.totalSteps, null));
        }
        if (run.status.finished()) {
            history.add(RunEvent.status(run.status, run.error));
        }
        return events.follow(id, history, run.status.finished());
    }

    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Cancel a queued or running run")
    public RunView cancel(@PathParam("id") long id) {
        return runs.view(runs.cancel(id));
    }

    @POST
    @Path("/{id}/restart")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Queue a finished, failed, cancelled or interrupted run again from step 0")
    public RunView restart(@PathParam("id") long id) {
        return runs.view(runs.restart(id));
    }

    @GET
    @Path("/{id}/evaluation")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "Base vs tuned on the validation prompts", description = "format=json (default) or csv")
    public Response evaluation(@PathParam("id") long id, @QueryParam("format") @DefaultValue("json") String format)
            throws IOException {
        RunEvaluation evaluation = runs.evaluation(runs.get(id));
        if ("csv".equalsIgnoreCase(format)) {
            StringWriter out = new StringWriter();
            try (var printer = new org.apache.commons.csv.CSVPrinter(out, org.apache.commons.csv.CSVFormat.RFC4180.builder()
                    .setRecordSeparator('\n').setHeader("prompt", "expected", "base", "tuned").get())) {
                for (RunEvaluation.Row row : evaluation.rows()) {
                    printer.printRecord(row.prompt(), row.expected(), row.base(), row.tuned());
                }
            }
            return Response.ok(out.toString(), "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"run-" + id + "-evaluation.csv\"").build();
        }
        return Response.ok(evaluation, MediaType.APPLICATION_JSON_TYPE)
                .header("Content-Disposition", "attachment; filename=\"run-" + id + "-evaluation.json\"").build();
    }

    @GET
    @Path("/{id}/export/adapter")
    @Produces("application/zip")
    @Operation(summary = "Download the run's PEFT LoRA adapter (zip)", description = "adapter_config.json and "
            + "adapter_model.safetensors as PEFT writes them, with the chat template, the system prompt and the run's "
            + "settings; 409 unless the run succeeded with LoRA.")
    public Response exportAdapter(@PathParam("id") long id) throws IOException {
        return download(export.adapter(id));
    }

    @GET
    @Path("/{id}/export/model")
    @Produces("application/zip")
    @Operation(summary = "Download the tuned model as a Hugging Face directory (zip)", description = "The adapter "
            + "merged into the base weights (or the fully fine-tuned weights): config.json, model.safetensors (F32), "
            + "tokenizer files; 409 unless the run succeeded.")
    public Response exportModel(@PathParam("id") long id) throws IOException {
        return download(export.mergedModel(id));
    }

    @GET
    @Path("/{id}/export/dataset")
    @Produces("application/x-ndjson")
    @Operation(summary = "Download the exact pairs the run used (JSONL with their split)")
    public Response exportDataset(@PathParam("id") long id) {
        return download(export.dataset(id));
    }

    private static Response download(RunExport.Download d) {
        StreamingOutput body = d.writer()::write;
        return Response.ok(body, d.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"").build();
    }

    public static RunSettings empty() {
        return new RunSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }
}
