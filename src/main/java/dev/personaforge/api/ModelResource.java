package dev.personaforge.api;

import dev.personaforge.basemodel.DownloadView;
import dev.personaforge.basemodel.ModelCatalog;
import dev.personaforge.basemodel.ModelEntry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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

import java.util.List;

/** JSON API for base models: what is offered and installed, their facts, and downloads from the Hub. */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models")
public class ModelResource {

    /** Body of a download request. */
    public record DownloadRequest(String model) {
    }

    @Inject
    ModelCatalog catalog;

    @GET
    @Operation(summary = "Offered, downloaded and persona-used base models with their facts")
    public List<ModelEntry> list() {
        return catalog.list();
    }

    @GET
    @Path("/facts")
    @Operation(summary = "Facts about one model", description = "model: a Hub id (owner/name) or a local directory. "
            + "Architecture, parameters, context length, vocabulary, chat template, size on disk, licence (with a "
            + "warning when unknown or restrictive) and training memory estimates; facts need the model on this machine.")
    public ModelEntry facts(@QueryParam("model") String model) {
        return catalog.entry(model);
    }

    @POST
    @Path("/downloads")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Download a model from the Hugging Face Hub into data/models",
            description = "Resumable and verified against the Hub's sizes and hashes; asking again while it runs joins "
                    + "the same download. Honours HF_ENDPOINT and HF_TOKEN.")
    public Response download(DownloadRequest request) {
        DownloadView view = catalog.download(PersonaResource.requireBody(request).model());
        return Response.accepted(view).build();
    }

    @GET
    @Path("/downloads/{owner}/{name}")
    @Operation(summary = "A download's progress")
    public DownloadView status(@PathParam("owner") String owner, @PathParam("name") String name) {
        return catalog.downloadStatus(owner + "/" + name);
    }

    @GET
    @Path("/downloads/{owner}/{name}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "A download's progress as server-sent events, until it ends")
    public Multi<DownloadView> events(@PathParam("owner") String owner, @PathParam("name") String name) {
        return catalog.follow(owner + "/" + name);
    }

    @POST
    @Path("/downloads/{owner}/{name}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Cancel a download; starting it again resumes where it stopped")
    public DownloadView cancel(@PathParam("owner") String owner, @PathParam("name") String name) {
        return catalog.cancel(owner + "/" + name);
    }
}
