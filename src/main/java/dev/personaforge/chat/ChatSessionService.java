package dev.personaforge.chat;

import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens side-by-side chats with a persona's base model and tuned models and keeps them in memory by id.
 * Chats idle for a day, and the least recently used beyond {@value #MAX_SESSIONS}, are forgotten.
 */
@ApplicationScoped
public class ChatSessionService {

    /** The most tuned models one chat compares with the base model. */
    public static final int MAX_TUNED = 2;
    static final int MAX_SESSIONS = 200;
    private static final Duration IDLE_LIMIT = Duration.ofHours(24);

    private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();

    @Inject
    PersonaService personas;

    @Inject
    TunedModelSource tunedModels;

    @Inject
    BaseModelRegistry registry;

    /**
     * A new chat with the persona's base model and the given runs' tuned models.
     *
     * @throws NotFoundException when the persona or a run does not exist
     * @throws ValidationException when more than {@value #MAX_TUNED} runs are asked for or a run was trained on
     *     another base model
     */
    public ChatSession create(long personaId, List<Long> runIds) {
        Persona persona = personas.get(personaId);
        List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(runIds == null ? List.<Long>of() : runIds));
        if (distinct.size() > MAX_TUNED) {
            throw ValidationException.of("runIds", "chat compares the base model with at most " + MAX_TUNED
                    + " tuned models at a time, not " + distinct.size());
        }
        List<TunedModel> tuned = new ArrayList<>();
        for (Long runId : distinct) {
            TunedModel model = tunedModels.find(personaId, runId == null ? 0 : runId)
                    .orElseThrow(() -> new NotFoundException("Run " + runId + " of persona " + personaId
                            + " does not exist or has no trained adapter yet."));
            if (!sameBaseModel(model.baseModel(), persona.baseModel)) {
                throw ValidationException.of("runIds", "run " + runId + " was trained on " + model.baseModel()
                        + ", but the persona now uses " + persona.baseModel + "; its adapter only fits the model it was trained on");
            }
            tuned.add(model);
        }
        String id = UUID.randomUUID().toString();
        List<ChatColumn> columns = new ArrayList<>();
        columns.add(ChatColumn.create(0, "Base · " + shortName(persona.baseModel), null, id, persona.systemPrompt));
        for (TunedModel t : tuned) {
            columns.add(ChatColumn.create(columns.size(), "Tuned · " + t.label(), t, id, persona.systemPrompt));
        }
        ChatSession session = new ChatSession(id, persona.id, persona.name, persona.baseModel, persona.systemPrompt, columns);
        evictIdle();
        sessions.put(id, session);
        return session;
    }

    /** The chat with this id; a 404 naming it when it does not exist (any more). */
    public ChatSession get(String id) {
        ChatSession session = id == null ? null : sessions.get(id);
        if (session == null) {
            throw new NotFoundException("Chat session " + id + " does not exist; it may have expired. Open the chat page again.");
        }
        return session;
    }

    /**
     * Applies new shared settings and system prompt (null values leave them as they are).
     *
     * @throws ValidationException naming each value out of range
     * @throws ChatBusyException while a reply is being generated
     */
    public void configure(ChatSession session, ChatRequests.Settings settings) {
        if (settings == null) {
            return;
        }
        ChatSettings merged = session.settings().with(settings.temperature(), settings.topP(), settings.maxTokens(),
                settings.seed());
        String prompt = settings.systemPrompt();
        if (prompt != null && prompt.length() > PersonaService.MAX_SYSTEM_PROMPT) {
            throw ValidationException.of("systemPrompt", "is " + prompt.length() + " characters, over the limit of "
                    + PersonaService.MAX_SYSTEM_PROMPT);
        }
        session.configure(merged, prompt);
    }

    /**
     * Settings for answering the last message again: as {@link #configure}, and when no other seed is given the
     * seed moves on by one, so a sampled reply comes out different instead of repeating itself.
     */
    public void configureForRegenerate(ChatSession session, ChatRequests.Settings settings) {
        ChatRequests.Settings given = settings == null ? new ChatRequests.Settings(null, null, null, null, null) : settings;
        long current = session.settings().seed();
        Long seed = given.seed() == null || given.seed() == current ? Long.valueOf(current + 1) : given.seed();
        configure(session, new ChatRequests.Settings(given.temperature(), given.topP(), given.maxTokens(), seed,
                given.systemPrompt()));
    }

    /** The chat with this id when it exists and belongs to the persona. */
    public Optional<ChatSession> find(String id, long personaId) {
        return Optional.ofNullable(id == null ? null : sessions.get(id)).filter(s -> s.personaId() == personaId);
    }

    /** The persona; a 404 naming it when it does not exist. */
    public Persona persona(long personaId) {
        return personas.get(personaId);
    }

    /** The persona's tuned models that can join a chat, newest first. */
    public List<TunedModel> tunedModels(long personaId) {
        return tunedModels.list(personaId);
    }

    /** Where the persona's base model stands (not installed, loading, ready…), for the page and the API. */
    public BaseModelRegistry.Status modelStatus(String baseModel) {
        return registry.status(baseModel);
    }

    private boolean sameBaseModel(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        Optional<Path> da = registry.directory(a);
        Optional<Path> db = registry.directory(b);
        return da.isPresent() && db.isPresent() && da.get().normalize().equals(db.get().normalize());
    }

    private void evictIdle() {
        Instant cutoff = Instant.now().minus(IDLE_LIMIT);
        sessions.values().removeIf(s -> !s.generating() && s.lastUsed().isBefore(cutoff));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().filter(s -> !s.generating())
                    .sorted(Comparator.comparing(ChatSession::lastUsed))
                    .limit(sessions.size() - MAX_SESSIONS + 1L)
                    .map(ChatSession::id).toList()
                    .forEach(sessions::remove);
        }
    }

    static String shortName(String baseModel) {
        String trimmed = baseModel.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        return slash >= 0 && !trimmed.matches("[^/]+/[^/]+") ? trimmed.substring(slash + 1) : trimmed;
    }
}
