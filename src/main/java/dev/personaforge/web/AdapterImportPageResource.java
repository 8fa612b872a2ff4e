package dev.personaforge.web;

import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import dev.personaforge.run.AdapterImport;
import dev.personaforge.run.TrainingRun;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/** The page to import a PEFT LoRA adapter trained elsewhere into a persona. */
@Path("/personas/{id}/adapters")
@Produces(MediaType.TEXT_HTML)
public class AdapterImportPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance form(Persona persona, String error);
    }

    @Inject
    PersonaService personas;

    @Inject
    AdapterImport adapters;

    @GET
    public TemplateInstance form(@PathParam("id") long id) {
        return Templates.form(personas.get(id), null);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@PathParam("id") long id, @RestForm("file") FileUpload file) throws IOException {
        Persona persona = personas.get(id);
        if (file == null || file.fileName() == null || file.fileName().isBlank()) {
            return Response.status(400).entity(Templates.form(persona, "Choose a zip file to import.")).build();
        }
        try (InputStream in = Files.newInputStream(file.uploadedFile())) {
            TrainingRun run = adapters.importZip(id, file.fileName(), in);
            return PersonaPageResource.seeOther("/runs/" + run.id);
        } catch (ValidationException e) {
            return Response.status(400).entity(Templates.form(persona, e.getMessage())).build();
        }
    }
}
