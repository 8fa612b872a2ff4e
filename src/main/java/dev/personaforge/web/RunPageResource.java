package dev.personaforge.web;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.run.RunEvaluation;
import dev.personaforge.run.RunLog;
import dev.personaforge.run.RunMetric;
import dev.personaforge.run.RunService;
import dev.personaforge.run.RunView;
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

import java.io.IOException;
import java.util.List;

/** The run page: watch a run, see what it learned, cancel or restart it. */
@Path("/runs")
@Produces(MediaType.TEXT_HTML)
public class RunPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance run(Persona persona, RunView run, List<RunMetric> metrics, List<RunLog> logs,
                                           RunEvaluation evaluation, String notice);
    }

    @Inject
    RunService runs;

    @Inject
    PersonaService personas;

    @GET
    @Path("{id}")
    public TemplateInstance run(@PathParam("id") long id, @QueryParam("notice") String notice) throws IOException {
        TrainingRun run = runs.get(id);
        RunEvaluation evaluation = null;
        if (run.outputDir != null) {
            try {
                evaluation = runs.evaluation(run);
            } catch (NotFoundException e) {
                evaluation = null;
            }
        }
        return Templates.run(personas.get(run.personaId), runs.view(run), runs.metrics(id), runs.logs(id), evaluation,
                notice == null ? null : switch (notice) {
                    case "started" -> "Run queued. It starts as soon as the runs before it finish.";
                    case "cancel" -> "Cancel requested.";
                    case "restarted" -> "Run queued again from step 0.";
                    default -> null;
                });
    }

    @POST
    @Path("{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        runs.cancel(id);
        return PersonaPageResource.seeOther("/runs/" + id + "?notice=cancel");
    }

    @POST
    @Path("{id}/restart")
    public Response restart(@PathParam("id") long id) {
        runs.restart(id);
        return PersonaPageResource.seeOther("/runs/" + id + "?notice=restarted");
    }
}
