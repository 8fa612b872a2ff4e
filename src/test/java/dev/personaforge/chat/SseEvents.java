package dev.personaforge.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Parses a server-sent-events body into named events with JSON data, for the chat API tests. */
record SseEvents(List<Event> events) {

    record Event(String name, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static SseEvents parse(String body) {
        List<Event> events = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                }
            }
            if (!data.isEmpty()) {
                events.add(new Event(name, parseJson(data.toString())));
            }
        }
        return new SseEvents(events);
    }

    private static JsonNode parseJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("event data is not JSON: " + text, e);
        }
    }

    List<Event> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The streamed text of one column: its token events joined. */
    String tokens(int column) {
        StringBuilder text = new StringBuilder();
        named("token").stream().filter(e -> e.data().get("column").asInt() == column)
                .forEach(e -> text.append(e.data().get("text").asText()));
        return text.toString();
    }

    Event done(int column) {
        return named("done").stream().filter(e -> e.data().get("column").asInt() == column).findFirst()
                .orElseThrow(() -> new AssertionError("no done event for column " + column + " in " + events));
    }
}
