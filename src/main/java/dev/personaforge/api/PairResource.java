package dev.personaforge.api;

import dev.personaforge.dataset.PairInput;
import dev.personaforge.dataset.PairPage;
import dev.personaforge.dataset.PairQuery;
import dev.personaforge.dataset.PairService;
import dev.personaforge.dataset.PairView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;

/** JSON API for the training pairs of one persona. */
@Path("/api/personas/{personaId}/pairs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Pairs")
public class PairResource {

    /** Body of the bulk delete call. */
    public record BulkDelete(List<Long> ids) {
    }

    @Inject
    PairService pairs;

    @GET
    @Operation(summary = "Page through pairs", description = "q searches prompt and completion (case-insensitive), "
            + "tag filters by one tag, split by effective split (train or validation); page counts from 0.")
    public PairPage list(@PathParam("personaId") long personaId, @QueryParam("q") String q,
                         @QueryParam("tag") String tag, @QueryParam("split") String split,
                         @QueryParam("page") @DefaultValue("0") int page,
                         @QueryParam("size") @DefaultValue("0") int size) {
        return pairs.page(personaId, new PairQuery(q, tag, split, page, size));
    }

    @POST
    @Operation(summary = "Add a pair")
    public Response add(@PathParam("personaId") long personaId, PairInput input) {
        PairView pair = pairs.add(personaId, PersonaResource.requireBody(input));
        return Response.created(UriBuilder.fromResource(PairResource.class).path("{id}").build(personaId, pair.id()))
                .entity(pair).build();
    }

    @GET
    @Path("/{pairId}")
    @Operation(summary = "Read a pair")
    public PairView get(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId) {
        return pairs.get(personaId, pairId);
    }

    @PUT
    @Path("/{pairId}")
    @Operation(summary = "Edit a pair")
    public PairView update(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId, PairInput input) {
        return pairs.update(personaId, pairId, PersonaResource.requireBody(input));
    }

    @DELETE
    @Path("/{pairId}")
    @Operation(summary = "Delete a pair")
    public Response delete(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId) {
        pairs.delete(personaId, pairId);
        return Response.noContent().build();
    }

    @POST
    @Path("/bulk-delete")
    @Operation(summary = "Delete several pairs at once")
    public Map<String, Long> bulkDelete(@PathParam("personaId") long personaId, BulkDelete body) {
        return Map.of("deleted", pairs.deleteAll(personaId, PersonaResource.requireBody(body).ids()));
    }
}
