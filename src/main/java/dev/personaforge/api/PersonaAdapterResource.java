package dev.personaforge.api;

import dev.personaforge.run.AdapterImport;
import dev.personaforge.run.RunService;
import dev.personaforge.run.RunView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/** JSON API to bring a PEFT LoRA adapter trained elsewhere into a persona. */
@Path("/api/personas/{personaId}/adapters")
@Tag(name = "Runs")
public class PersonaAdapterResource {

    @Inject
    AdapterImport adapters;

    @Inject
    RunService runs;

    @POST
    @Consumes({"application/zip", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import a PEFT LoRA adapter (zip) for the persona's base model",
            description = "The zip holds adapter_config.json and adapter_model.safetensors (and optionally "
                    + "system_prompt.txt), as PEFT's save_pretrained writes them or as this app exports them. Every "
                    + "tensor is checked against the base model; the adapter becomes a succeeded run (201).")
    public Response importAdapter(@PathParam("personaId") long personaId, @QueryParam("filename") String filename,
                                  InputStream body) throws IOException {
        RunView view = runs.view(adapters.importZip(personaId, filename, body));
        return Response.created(URI.create("/api/runs/" + view.id())).entity(view).build();
    }
}
