package dev.personaforge.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One server-sent event of a chat turn: {@code status} (state, message), {@code token} (column, text),
 * {@code done} (column, finishReason, tokens, promptTokens, text) or {@code error} (message, column or null).
 */
public record ChatEvent(String name, Map<String, Object> data) {

    static ChatEvent status(String state, String message) {
        return new ChatEvent("status", ordered("state", state, "message", message));
    }

    static ChatEvent token(int column, String text) {
        return new ChatEvent("token", ordered("column", column, "text", text));
    }

    static ChatEvent done(int column, String finishReason, int tokens, int promptTokens, String text) {
        return new ChatEvent("done", ordered("column", column, "finishReason", finishReason, "tokens", tokens,
                "promptTokens", promptTokens, "text", text));
    }

    static ChatEvent error(String message) {
        return new ChatEvent("error", ordered("message", message, "column", null));
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
