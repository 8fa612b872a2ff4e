package dev.personaforge.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.api.ErrorResponse;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.common.ValidationException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.Map;

/**
 * JSON and server-sent-events API of the side-by-side chat. Sending a message answers with an event stream:
 * {@code status} (state, message), {@code token} (column, text), {@code done} per column (column, finishReason,
 * tokens, promptTokens, text) and {@code error} (message); the stream ends after the last {@code done} or the error.
 */
@Path("/api/chat")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Chat")
public class ChatResource {

    @Inject
    ChatSessionService sessions;

    @Inject
    ChatTurns turns;

    @Inject
    ObjectMapper json;

    @POST
    @Path("sessions")
    @Operation(summary = "Open a side-by-side chat with a persona's base model and up to two tuned models",
            description = "Body: {\"personaId\": 1, \"runIds\": [12]}. Columns: base first, then the runs in the order given.")
    public Response create(ChatRequests.Create body) {
        if (body == null || body.personaId() == null) {
            throw ValidationException.of("personaId", "is required");
        }
        ChatSession session = sessions.create(body.personaId(), body.runIds());
        return Response.status(201).entity(view(session)).build();
    }

    @GET
    @Path("sessions/{id}")
    @Operation(summary = "Read a chat: settings, base model status and each column's messages")
    public ChatSessionView get(@PathParam("id") String id) {
        return view(sessions.get(id));
    }

    @PUT
    @Path("sessions/{id}/settings")
    @Operation(summary = "Change the shared sampling settings and the system prompt")
    public ChatSessionView settings(@PathParam("id") String id, ChatRequests.Settings body) {
        ChatSession session = sessions.get(id);
        sessions.configure(session, body);
        return view(session);
    }

    @POST
    @Path("sessions/{id}/messages")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(summary = "Send a message to every column and stream the replies (server-sent events)")
    public Multi<OutboundSseEvent> send(@PathParam("id") String id, ChatRequests.Send body, @Context Sse sse) {
        ChatSession session = sessions.get(id);
        if (body == null) {
            throw ValidationException.of("message", "is required");
        }
        sessions.configure(session, body.settings());
        return stream(turns.send(session, body.message()), sse);
    }

    @POST
    @Path("sessions/{id}/regenerate")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(summary = "Answer the last message again in every column (server-sent events)",
            description = "Optional body: settings as for PUT settings. Without a new seed the seed moves on by one, "
                    + "so a sampled reply changes.")
    public Multi<OutboundSseEvent> regenerate(@PathParam("id") String id, ChatRequests.Settings body, @Context Sse sse) {
        ChatSession session = sessions.get(id);
        sessions.configureForRegenerate(session, body);
        return stream(turns.regenerate(session), sse);
    }

    @POST
    @Path("sessions/{id}/stop")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Stop the reply being generated; the stream ends with finishReason CANCELLED")
    public Map<String, Object> stop(@PathParam("id") String id) {
        return Map.of("stopped", sessions.get(id).stop());
    }

    @POST
    @Path("sessions/{id}/clear")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Forget every column's conversation, keeping the system prompt and settings")
    public ChatSessionView clear(@PathParam("id") String id) {
        ChatSession session = sessions.get(id);
        session.clear();
        return view(session);
    }

    @GET
    @Path("personas/{personaId}/models")
    @Operation(summary = "The persona's base model (with its status) and the tuned models that can join a chat")
    public Map<String, Object> models(@PathParam("personaId") long personaId) {
        var persona = sessions.persona(personaId);
        var status = sessions.modelStatus(persona.baseModel);
        List<Map<String, Object>> tuned = sessions.tunedModels(personaId).stream()
                .map(t -> Map.<String, Object>of("runId", t.runId(), "label", t.label(), "baseModel", t.baseModel()))
                .toList();
        return Map.of("baseModel", persona.baseModel,
                "modelStatus", new ChatSessionView.ModelStatus(status.state().name(), status.message()),
                "tuned", tuned);
    }

    @ServerExceptionMapper
    public Response notInstalled(ModelNotInstalledException e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of("model_not_installed", e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response busy(ChatBusyException e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of("chat_busy", e.getMessage())).build();
    }

    private ChatSessionView view(ChatSession session) {
        return ChatSessionView.of(session, sessions.modelStatus(session.baseModel()));
    }

    /** Runs the turn when the client subscribes and stops it when the client goes away. */
    private Multi<OutboundSseEvent> stream(ChatTurns.PendingTurn turn, Sse sse) {
        return Multi.createFrom().emitter(emitter -> {
            emitter.onTermination(turn::cancel);
            turn.start(event -> emitter.emit(toSse(event, sse)))
                    .whenComplete((ignored, error) -> {
                        if (error != null) {
                            emitter.emit(toSse(ChatEvent.error(ChatTurns.describe(error)), sse));
                        }
                        emitter.complete();
                    });
        });
    }

    private OutboundSseEvent toSse(ChatEvent event, Sse sse) {
        try {
            return sse.newEventBuilder().name(event.name()).mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, json.writeValueAsString(event.data())).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("chat event not serializable: " + event, e);
        }
    }
}
