package dev.personaforge.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.output.FinishReason;
import dev.personaforge.model.GenerationResult;

import java.util.ArrayList;
import java.util.List;

/** Translates between LangChain4j's chat vocabulary and the engine's. */
final class Messages {

    private Messages() {
    }

    /** Engine messages for a conversation; only text system, user and assistant messages can be rendered. */
    static List<dev.personaforge.model.ChatMessage> toEngine(List<ChatMessage> messages) {
        List<dev.personaforge.model.ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            out.add(toEngine(message));
        }
        return out;
    }

    private static dev.personaforge.model.ChatMessage toEngine(ChatMessage message) {
        if (message instanceof SystemMessage s) {
            return dev.personaforge.model.ChatMessage.system(s.text());
        }
        if (message instanceof UserMessage u) {
            if (!u.hasSingleText()) {
                throw new UnsupportedFeatureException("Only text user messages are supported, not images or other content");
            }
            return dev.personaforge.model.ChatMessage.user(u.singleText());
        }
        if (message instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) {
                throw new UnsupportedFeatureException("Tool calls are not supported by local Persona Forge models");
            }
            return dev.personaforge.model.ChatMessage.assistant(a.text());
        }
        throw new UnsupportedFeatureException(message.type() + " messages are not supported by local Persona Forge models");
    }

    /** LangChain4j's finish reason for the engine's. */
    static FinishReason finishReason(GenerationResult.FinishReason reason) {
        return switch (reason) {
            case EOS, STOP_STRING -> FinishReason.STOP;
            case MAX_TOKENS, CONTEXT_LENGTH -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
