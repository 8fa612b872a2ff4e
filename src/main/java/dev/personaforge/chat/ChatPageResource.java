package dev.personaforge.chat;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.common.FieldProblem;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.resteasy.reactive.RestForm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The side-by-side chat page of a persona: base model on the left, chosen tuned models on the right. The form works
 * without JavaScript (each post answers in one go and shows the page again); {@code chat.js} streams replies instead.
 */
@Path("/personas/{personaId}/chat")
@Produces(MediaType.TEXT_HTML)
public class ChatPageResource {

    /** A run offered in the run picker. */
    public record RunChoice(long runId, String label, boolean checked) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance chat(Persona persona, ChatSessionView chat, List<RunChoice> runs, String runsQuery,
                                            String error, int maxTokensLimit, int maxTuned);
    }

    @Inject
    ChatSessionService sessions;

    @Inject
    ChatTurns turns;

    @GET
    public TemplateInstance page(@PathParam("personaId") long personaId, @QueryParam("runs") List<String> runs,
                                 @QueryParam("session") String sessionId) {
        List<Long> runIds = parseRuns(personaId, runs);
        ChatSession session = sessions.find(sessionId, personaId)
                .filter(s -> s.runIds().equals(runIds))
                .orElseGet(() -> sessions.create(personaId, runIds));
        return render(session, null);
    }

    @POST
    @Path("{sessionId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response post(@PathParam("personaId") long personaId, @PathParam("sessionId") String sessionId,
                         @RestForm String action, @RestForm String message, @RestForm String systemPrompt,
                         @RestForm String temperature, @RestForm String topP, @RestForm String maxTokens,
                         @RestForm String seed) {
        ChatSession session = sessions.find(sessionId, personaId).orElseThrow(() -> new NotFoundException(
                "Chat session " + sessionId + " of persona " + personaId + " does not exist; it may have expired."));
        try {
            switch (action == null ? "send" : action) {
                case "stop" -> session.stop();
                case "clear" -> session.clear();
                case "regenerate" -> {
                    sessions.configureForRegenerate(session, settings(systemPrompt, temperature, topP, maxTokens, seed));
                    awaitTurn(turns.regenerate(session));
                }
                default -> {
                    sessions.configure(session, settings(systemPrompt, temperature, topP, maxTokens, seed));
                    awaitTurn(turns.send(session, message));
                }
            }
        } catch (ValidationException | ModelNotInstalledException | ChatBusyException | IllegalStateException e) {
            int status = e instanceof ValidationException ? 400 : 409;
            return Response.status(status).entity(render(session, e.getMessage())).build();
        }
        UriBuilder back = UriBuilder.fromPath("/personas/{id}/chat").queryParam("session", session.id());
        session.runIds().forEach(id -> back.queryParam("runs", id));
        return Response.seeOther(back.build(personaId)).build();
    }

    /** Runs a turn to the end for the form without JavaScript; an error event becomes the page's error. */
    private static void awaitTurn(ChatTurns.PendingTurn turn) {
        List<String> errors = new ArrayList<>();
        turn.start(event -> {
            if (event.name().equals("error")) {
                errors.add(String.valueOf(event.data().get("message")));
            }
        }).join();
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.get(0));
        }
    }

    private TemplateInstance render(ChatSession session, String error) {
        BaseModelRegistry.Status status = sessions.modelStatus(session.baseModel());
        Persona persona = sessions.persona(session.personaId());
        Set<Long> chosen = new LinkedHashSet<>(session.runIds());
        List<RunChoice> runs = sessions.tunedModels(session.personaId()).stream()
                .map(t -> new RunChoice(t.runId(), t.label(), chosen.contains(t.runId())))
                .toList();
        StringBuilder runsQuery = new StringBuilder();
        session.runIds().forEach(id -> runsQuery.append("&runs=").append(id));
        return Templates.chat(persona, ChatSessionView.of(session, status), runs, runsQuery.toString(), error,
                ChatSettings.MAX_TOKENS_LIMIT, ChatSessionService.MAX_TUNED);
    }

    /** Run ids from {@code ?runs=12&runs=13} or {@code ?runs=12,13}; anything else names the run as not found. */
    private static List<Long> parseRuns(long personaId, List<String> runs) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String value : runs == null ? List.<String>of() : runs) {
            for (String part : value.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                try {
                    ids.add(Long.parseLong(part.strip()));
                } catch (NumberFormatException e) {
                    throw new NotFoundException("Run " + part.strip() + " of persona " + personaId + " does not exist.");
                }
            }
        }
        return List.copyOf(ids);
    }

    private static ChatRequests.Settings settings(String systemPrompt, String temperature, String topP,
                                                  String maxTokens, String seed) {
        List<FieldProblem> problems = new ArrayList<>();
        Double t = number("temperature", temperature, problems);
        Double p = number("topP", topP, problems);
        Double m = number("maxTokens", maxTokens, problems);
        Double s = number("seed", seed, problems);
        if (m != null && m != Math.rint(m)) {
            problems.add(new FieldProblem("maxTokens", "must be a whole number, not " + maxTokens));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new ChatRequests.Settings(t, p, m == null ? null : (int) Math.min(Integer.MAX_VALUE, m.longValue()),
                s == null ? null : s.longValue(), systemPrompt);
    }

    private static Double number(String field, String text, List<FieldProblem> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            problems.add(new FieldProblem(field, "must be a number, not \"" + text.strip() + "\""));
            return null;
        }
    }
}
