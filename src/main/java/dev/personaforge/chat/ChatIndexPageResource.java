package dev.personaforge.chat;

import dev.personaforge.persona.PersonaService;
import dev.personaforge.persona.PersonaSummary;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The "Chat" entry page: pick the persona to chat with. */
@Path("/chat")
@Produces(MediaType.TEXT_HTML)
public class ChatIndexPageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(List<PersonaSummary> personas);
    }

    @Inject
    PersonaService personas;

    @GET
    public TemplateInstance index() {
        return Templates.index(personas.list());
    }
}
