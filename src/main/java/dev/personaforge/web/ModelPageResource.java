package dev.personaforge.web;

import dev.personaforge.basemodel.ModelCatalog;
import dev.personaforge.basemodel.ModelEntry;
import dev.personaforge.common.ValidationException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** The models page: base models with their facts and licences, and downloads from the Hub. */
@Path("/models")
@Produces(MediaType.TEXT_HTML)
public class ModelPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance models(List<ModelEntry> models, String modelsDir, String error);
    }

    @Inject
    ModelCatalog catalog;

    @Inject
    dev.personaforge.basemodel.BaseModelLookup lookup;

    @GET
    public TemplateInstance models() {
        return Templates.models(catalog.list(), lookup.modelsDir().toString(), null);
    }

    @POST
    @Path("download")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response download(@RestForm String model) {
        try {
            catalog.download(model);
            return PersonaPageResource.seeOther("/models#downloads");
        } catch (ValidationException e) {
            return Response.status(400).entity(Templates.models(catalog.list(), lookup.modelsDir().toString(),
                    e.getMessage())).build();
        }
    }
}
