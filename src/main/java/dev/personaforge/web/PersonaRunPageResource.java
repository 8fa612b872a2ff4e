package dev.personaforge.web;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.PairQuery;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
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

import java.util.List;

/** Starting a run (or estimating one) from the persona page's form, and comparing two of a persona's runs. */
@Path("/personas/{id}/runs")
@Produces(MediaType.TEXT_HTML)
public class PersonaRunPageResource {

    @CheckedTemplate
    static class Templates {
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
    @Path("compare")
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
