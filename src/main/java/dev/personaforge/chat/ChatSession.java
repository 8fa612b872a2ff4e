package dev.personaforge.chat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One side-by-side conversation with a persona: the base model column and up to two tuned columns, each with its
 * own memory, sharing one system prompt and one set of sampling settings. At most one turn runs at a time.
 */
public final class ChatSession {

    /** A reply being generated for every column; stopping it ends the generation between two tokens. */
    public static final class Turn {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        public void cancel() {
            cancelled.set(true);
        }

        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    private final String id;
    private final long personaId;
    private final String personaName;
    private final String baseModel;
    private final List<ChatColumn> columns;
    private String systemPrompt;
    private ChatSettings settings;
    private Turn current;
    private Instant lastUsed = Instant.now();

    ChatSession(String id, long personaId, String personaName, String baseModel, String systemPrompt,
                List<ChatColumn> columns) {
        this.id = id;
        this.personaId = personaId;
        this.personaName = personaName;
        this.baseModel = baseModel;
        this.systemPrompt = systemPrompt == null ? "" : systemPrompt;
        this.settings = ChatSettings.DEFAULTS;
        this.columns = List.copyOf(columns);
    }

    public String id() {
        return id;
    }

    public long personaId() {
        return personaId;
    }

    public String personaName() {
        return personaName;
    }

    public String baseModel() {
        return baseModel;
    }

    public List<ChatColumn> columns() {
        return columns;
    }

    public synchronized String systemPrompt() {
        return systemPrompt;
    }

    public synchronized ChatSettings settings() {
        return settings;
    }

    public synchronized boolean generating() {
        return current != null;
    }

    synchronized Instant lastUsed() {
        return lastUsed;
    }

    /** The run ids of the tuned columns, in column order. */
    public List<Long> runIds() {
        return columns.stream().filter(c -> !c.isBase()).map(c -> c.tuned().runId()).toList();
    }

    /** Claims the session for a new turn; throws {@link ChatBusyException} while another turn runs. */
    synchronized Turn begin() {
        if (current != null) {
            throw new ChatBusyException("This chat is still answering the previous message; stop it or wait for it to finish.");
        }
        current = new Turn();
        lastUsed = Instant.now();
        return current;
    }

    synchronized void end(Turn turn) {
        if (current == turn) {
            current = null;
        }
        lastUsed = Instant.now();
    }

    /** Stops the running turn; false when nothing is running. */
    public synchronized boolean stop() {
        if (current == null) {
            return false;
        }
        current.cancel();
        return true;
    }

    /** Changes the shared settings and system prompt (null leaves it); not while a turn runs. */
    synchronized void configure(ChatSettings newSettings, String newSystemPrompt) {
        requireIdle();
        settings = newSettings;
        if (newSystemPrompt != null && !newSystemPrompt.strip().equals(systemPrompt)) {
            systemPrompt = newSystemPrompt.strip();
            columns.forEach(c -> c.setSystemPrompt(systemPrompt));
        }
        lastUsed = Instant.now();
    }

    /** Forgets every column's conversation, keeping the system prompt; not while a turn runs. */
    synchronized void clear() {
        requireIdle();
        columns.forEach(ChatColumn::clearHistory);
        lastUsed = Instant.now();
    }

    private void requireIdle() {
        if (current != null) {
            throw new ChatBusyException("This chat is answering a message; stop it first.");
        }
    }
}
