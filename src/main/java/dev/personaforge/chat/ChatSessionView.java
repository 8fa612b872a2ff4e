package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.personaforge.basemodel.BaseModelRegistry;

import java.util.List;

/** A chat as the API shows it: settings, model status and each column's conversation. */
public record ChatSessionView(String id, long personaId, String personaName, String baseModel, String systemPrompt,
                              ChatSettings settings, boolean generating, ModelStatus modelStatus, List<Column> columns) {

    /** The base model's state (NOT_INSTALLED, INSTALLED, LOADING, READY, FAILED) and, when relevant, why. */
    public record ModelStatus(String state, String message) {
    }

    /** One column: kind "base" or "tuned", its label, its run (null for base) and its messages. */
    public record Column(int index, String kind, String label, Long runId, List<Message> messages) {
    }

    /** One remembered message: role "user" or "assistant". */
    public record Message(String role, String text) {
    }

    public static ChatSessionView of(ChatSession session, BaseModelRegistry.Status status) {
        List<Column> columns = session.columns().stream()
                .map(c -> new Column(c.index(), c.kind(), c.label(), c.isBase() ? null : c.tuned().runId(),
                        c.history().stream().map(ChatSessionView::message).toList()))
                .toList();
        return new ChatSessionView(session.id(), session.personaId(), session.personaName(), session.baseModel(),
                session.systemPrompt(), session.settings(), session.generating(),
                new ModelStatus(status.state().name(), status.message()), columns);
    }

    static Message message(ChatMessage m) {
        if (m instanceof UserMessage u) {
            return new Message("user", u.hasSingleText() ? u.singleText() : "");
        }
        return new Message("assistant", m instanceof AiMessage a && a.text() != null ? a.text() : "");
    }
}
