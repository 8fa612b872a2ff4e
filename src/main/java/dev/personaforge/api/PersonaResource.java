package dev.personaforge.api;

import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaInput;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.persona.PersonaSummary;
import dev.personaforge.persona.PersonaView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** JSON API for personas: list, create, read, edit, duplicate, delete. */
@Path("/api/personas")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Personas")
public class PersonaResource {

    @Inject
    PersonaService personas;

    @GET
    @Operation(summary = "List personas with their pair counts, by name")
    public List<PersonaSummary> list() {
        return personas.list();
    }

    @POST
    @Operation(summary = "Create a persona", description = "Only name and baseModel are required; "
            + "language defaults to en, validationRatio to 0.1 (a 90/10 split), splitSeed to 42.")
    public Response create(PersonaInput input) {
        Persona persona = personas.create(requireBody(input));
        return Response.created(UriBuilder.fromResource(PersonaResource.class).path("{id}").build(persona.id))
                .entity(PersonaView.of(persona, 0)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read a persona")
    public PersonaView get(@PathParam("id") long id) {
        return PersonaView.of(personas.get(id), personas.pairCount(id));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Edit a persona", description = "Replaces every field; omitted optional fields take their defaults.")
    public PersonaView update(@PathParam("id") long id, PersonaInput input) {
        Persona persona = personas.update(id, requireBody(input));
        return PersonaView.of(persona, personas.pairCount(id));
    }

    @POST
    @Path("/{id}/duplicate")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Copy a persona and all its pairs under a new name")
    public Response duplicate(@PathParam("id") long id) {
        Persona copy = personas.duplicate(id);
        return Response.created(UriBuilder.fromResource(PersonaResource.class).path("{id}").build(copy.id))
                .entity(PersonaView.of(copy, personas.pairCount(copy.id))).build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a persona and all its pairs")
    public Response delete(@PathParam("id") long id) {
        personas.delete(id);
        return Response.noContent().build();
    }

    static <T> T requireBody(T body) {
        if (body == null) {
            throw dev.personaforge.common.ValidationException.of("body", "a JSON object is required");
        }
        return body;
    }
}
