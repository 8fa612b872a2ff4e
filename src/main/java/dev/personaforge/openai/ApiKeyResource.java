package dev.personaforge.openai;

import dev.personaforge.common.ValidationException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/** JSON API for the keys of the OpenAI-compatible API: create (the key is in that answer only), list, revoke. */
@Path("/api/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class ApiKeyResource {

    /** Body of a create request. */
    public record Create(String name) {
    }

    @Inject
    ApiKeyService keys;

    @GET
    @Operation(summary = "List API keys (prefix, name, dates; never the key)")
    public List<ApiKeyView> list() {
        return keys.list();
    }

    @POST
    @Operation(summary = "Create an API key; the answer holds the whole key, which is not shown again",
            description = "Body: {\"name\": \"laptop scripts\"}. Once a key exists, /v1 requests need "
                    + "\"Authorization: Bearer <key>\".")
    public Response create(Create body) {
        if (body == null) {
            throw ValidationException.of("name", "is required");
        }
        return Response.status(201).entity(keys.create(body.name())).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key; requests with it are refused at once")
    public Map<String, Object> revoke(@PathParam("id") long id) {
        keys.revoke(id);
        return Map.of("revoked", id);
    }
}
