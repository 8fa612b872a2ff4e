package dev.personaforge.web;

import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.PairQuery;
import dev.personaforge.dataset.PairService;
import dev.personaforge.dataset.PairView;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** Form posts for a persona's pairs: add, edit (a page of its own without JavaScript), delete, bulk delete. */
@Path("/personas/{personaId}/pairs")
@Produces(MediaType.TEXT_HTML)
public class PairPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance edit(Persona persona, PairView pair, PairForm form, ValidationException errors);
    }

    @Inject
    PersonaService personas;

    @Inject
    PairService pairs;

    @Inject
    PersonaPageResource personaPages;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response add(@PathParam("personaId") long personaId, @BeanParam PairForm form) {
        try {
            pairs.add(personaId, form.toInput());
            return PersonaPageResource.seeOther("/personas/" + personaId + "?notice=pair-added#add-pair");
        } catch (ValidationException e) {
            return Response.status(400).entity(personaPages.page(personaId, new PairQuery(null, null, null, 0, 0),
                    null, null, form, e)).build();
        }
    }

    @GET
    @Path("{pairId}/edit")
    public TemplateInstance editForm(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId) {
        PairView pair = pairs.get(personaId, pairId);
        return Templates.edit(personas.get(personaId), pair, PairForm.of(pair), null);
    }

    @POST
    @Path("{pairId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId,
                           @BeanParam PairForm form) {
        PairView pair = pairs.get(personaId, pairId);
        try {
            pairs.update(personaId, pairId, form.toInput());
            return PersonaPageResource.seeOther("/personas/" + personaId + "?notice=pair-saved#pairs");
        } catch (ValidationException e) {
            return Response.status(400).entity(Templates.edit(personas.get(personaId), pair, form, e)).build();
        }
    }

    @POST
    @Path("{pairId}/delete")
    public Response delete(@PathParam("personaId") long personaId, @PathParam("pairId") long pairId) {
        pairs.delete(personaId, pairId);
        return PersonaPageResource.seeOther("/personas/" + personaId + "?notice=pair-deleted#pairs");
    }

    @POST
    @Path("bulk-delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response bulkDelete(@PathParam("personaId") long personaId, @RestForm("ids") List<Long> ids) {
        pairs.deleteAll(personaId, ids);
        return PersonaPageResource.seeOther("/personas/" + personaId + "?notice=pairs-deleted#pairs");
    }
}
