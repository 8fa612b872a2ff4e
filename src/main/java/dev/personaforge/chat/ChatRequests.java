package dev.personaforge.chat;

import java.util.List;

/** JSON bodies the chat API accepts. */
public final class ChatRequests {

    private ChatRequests() {
    }

    /** Opens a chat with the persona's base model and up to two of its runs' tuned models. */
    public record Create(Long personaId, List<Long> runIds) {
    }

    /**
     * Shared settings for every column; each value is optional and, when given, kept for later turns.
     * A temperature of 0 means greedy decoding.
     */
    public record Settings(Double temperature, Double topP, Integer maxTokens, Long seed, String systemPrompt) {
    }

    /** A message sent to every column, optionally with new settings. */
    public record Send(String message, Double temperature, Double topP, Integer maxTokens, Long seed, String systemPrompt) {

        Settings settings() {
            return new Settings(temperature, topP, maxTokens, seed, systemPrompt);
        }
    }
}
