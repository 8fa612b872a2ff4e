package dev.personaforge.api;

import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.persona.PersonaView;
import dev.personaforge.samples.SampleService;
import jakarta.inject.Inject;
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

/** JSON API for the bundled sample personas. */
@Path("/api/samples")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Samples")
public class SampleResource {

    @Inject
    SampleService samples;

    @Inject
    PersonaService personas;

    @GET
    @Operation(summary = "List the sample personas")
    public List<SampleService.Sample> list() {
        return samples.list();
    }

    @POST
    @Path("/{key}/load")
    @Operation(summary = "Create a persona from a sample, with all its pairs")
    public Response load(@PathParam("key") String key) {
        Persona persona = samples.load(key);
        return Response.created(UriBuilder.fromResource(PersonaResource.class).path("{id}").build(persona.id))
                .entity(PersonaView.of(persona, personas.pairCount(persona.id))).build();
    }
}
