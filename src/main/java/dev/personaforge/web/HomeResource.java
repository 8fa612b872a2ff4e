package dev.personaforge.web;

import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.persona.PersonaSummary;
import dev.personaforge.samples.SampleService;
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

import java.net.URI;
import java.util.List;

/** The home page: the list of personas and the sample personas. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class HomeResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(List<PersonaSummary> personas, List<SampleService.Sample> samples,
                                            String notice);
    }

    @Inject
    PersonaService personas;

    @Inject
    SampleService samples;

    @GET
    public TemplateInstance home(@QueryParam("notice") String notice) {
        return Templates.home(personas.list(), samples.list(), Notices.text(notice));
    }

    @POST
    @Path("samples/{key}/load")
    public Response loadSample(@PathParam("key") String key) {
        Persona persona = samples.load(key);
        return Response.seeOther(URI.create("/personas/" + persona.id + "?notice=sample-loaded")).build();
    }
}
