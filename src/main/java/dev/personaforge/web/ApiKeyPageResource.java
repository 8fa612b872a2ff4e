package dev.personaforge.web;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.openai.ApiKeyService;
import dev.personaforge.openai.ApiKeyView;
import dev.personaforge.openai.CreatedApiKey;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/**
 * The API keys page: create a key for the OpenAI-compatible API (shown once, right after creation), see the others
 * by prefix, name and dates, and revoke them.
 */
@Path("/settings/api-keys")
@Produces(MediaType.TEXT_HTML)
public class ApiKeyPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance keys(List<ApiKeyView> keys, CreatedApiKey created, String baseUrl, String error,
                                            String notice);
    }

    @Inject
    ApiKeyService service;

    @Context
    UriInfo uri;

    @GET
    public TemplateInstance keys(@QueryParam("notice") String notice) {
        return page(null, null, "revoked".equals(notice) ? "Key revoked: requests with it are refused from now on." : null);
    }

    /** Answers with the page itself rather than a redirect, so the new key never travels in a URL. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String name) {
        try {
            CreatedApiKey created = service.create(name);
            return Response.ok(page(created, null, null)).header("Cache-Control", "no-store").build();
        } catch (ValidationException e) {
            return Response.status(400).entity(page(null, e.getMessage(), null)).build();
        }
    }

    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") long id) {
        try {
            service.revoke(id);
        } catch (NotFoundException e) {
            return Response.status(404).entity(page(null, e.getMessage(), null)).build();
        }
        return PersonaPageResource.seeOther("/settings/api-keys?notice=revoked");
    }

    private TemplateInstance page(CreatedApiKey created, String error, String notice) {
        String baseUrl = uri.getBaseUri().toString().replaceAll("/$", "") + "/v1";
        return Templates.keys(service.list(), created, baseUrl, error, notice);
    }
}
