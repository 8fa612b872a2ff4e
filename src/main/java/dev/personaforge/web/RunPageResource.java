package dev.personaforge.web;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.PairQuery;
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
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.io.IOException;
import java.util.List;

/** Pages for fine-tuning: start a run from the persona page, watch it, see what it learned, compare two runs. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class RunPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance run(Persona persona, RunView run, List<RunMetric> metrics, List<RunLog> logs,
                                           RunEvaluation evaluation, String notice);

        static native TemplateInstance compare(Persona persona, RunView a, RunView b, List<RunMetric> metricsA,
                                               List<RunMetric> metricsB);
    }

    @Inject
    RunService runs;

    @Inject
    PersonaService personas;

    @Inject
    PersonaPageResource personaPages;

    @Inject
    TrainingPanels trainingPanels;

    /** "Estimate" shows the persona page with the estimate for these settings; "Run fine-tuning" starts the run. */
    @POST
    @Path("personas/{id}/runs")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response startOrEstimate(@PathParam("id") long id, @BeanParam RunForm form, @RestForm String action) {
        Persona persona = personas.get(id);
        try {
            if ("start".equals(action)) {
                TrainingRun run = runs.create(id, form.toSettings());
                return PersonaPageResource.seeOther("/runs/" + run.id + "?notice=started");
            }
            return Response.ok(personaPages.page(persona, new PairQuery(null, null, null, 0, 0), null, null,
                    PairForm.empty(), null, trainingPanels.with(persona, form, null))).build();
        } catch (ValidationException e) {
            return Response.status(400).entity(personaPages.page(persona, new PairQuery(null, null, null, 0, 0), null,
                    null, PairForm.empty(), null, trainingPanels.with(persona, form, e))).build();
        }
    }

    @GET
    @Path("runs/{id}")
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
    @Path("runs/{id}/cancel")
    public Response cancel(@PathParam("id") long id) {
        runs.cancel(id);
        return PersonaPageResource.seeOther("/runs/" + id + "?notice=cancel");
    }

    @POST
    @Path("runs/{id}/restart")
    public Response restart(@PathParam("id") long id) {
        runs.restart(id);
        return PersonaPageResource.seeOther("/runs/" + id + "?notice=restarted");
    }

    @GET
    @Path("personas/{id}/runs/compare")
    public TemplateInstance compare(@PathParam("id") long id, @QueryParam("run") List<Long> selected) {
        Persona persona = personas.get(id);
        if (selected == null || selected.size() != 2) {
            throw ValidationException.of("run", "choose exactly two runs to compare");
        }
        TrainingRun a = runs.get(selected.get(0));
        TrainingRun b = runs.get(selected.get(1));
        if (!a.personaId.equals(id) || !b.personaId.equals(id)) {
            throw new NotFoundException("Both runs must belong to persona " + id + ".");
        }
        return Templates.compare(persona, runs.view(a), runs.view(b), runs.metrics(a.id), runs.metrics(b.id));
    }
}
