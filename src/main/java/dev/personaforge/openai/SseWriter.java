package dev.personaforge.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a streamed OpenAI answer as server-sent events byte for byte as OpenAI does: {@code data: <json>} per
 * chunk and {@code data: [DONE]} at the end, each flushed at once. A client that went away is remembered, so
 * generation can stop.
 */
final class SseWriter {

    private final OutputStream out;
    private final ObjectMapper json;
    private volatile boolean gone;

    SseWriter(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    void data(JsonNode chunk) {
        try {
            write(json.writeValueAsString(chunk));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A chunk could not be written as JSON", e);
        }
    }

    void done() {
        write("[DONE]");
    }

    /** True once a write failed because the client closed the connection. */
    boolean gone() {
        return gone;
    }

    private void write(String data) {
        if (gone) {
            return;
        }
        try {
            out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            gone = true;
        }
    }
}
