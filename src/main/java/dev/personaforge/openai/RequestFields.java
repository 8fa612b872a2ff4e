package dev.personaforge.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of an OpenAI request body, rejecting each wrong value with a 400 that names the field: a missing
 * field and an explicit {@code null} both mean "use the default", as in OpenAI's API.
 */
final class RequestFields {

    /** OpenAI accepts at most this many stop sequences. */
    static final int MAX_STOPS = 4;

    private final JsonNode body;

    private RequestFields(JsonNode body) {
        this.body = body;
    }

    /** The fields of a body that must be a JSON object. */
    static RequestFields of(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw OpenAiException.invalidJson("The request body must be a JSON object, e.g. "
                    + "{\"model\": \"...\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}.");
        }
        return new RequestFields(body);
    }

    JsonNode node(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return node(name) != null;
    }

    String requiredString(String name, String example) {
        JsonNode n = node(name);
        if (n == null) {
            throw OpenAiException.invalid(name, "Missing required parameter: '" + name + "' (" + example + ").");
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be a non-empty string, not " + n + ".");
        }
        return n.asText();
    }

    /** A number in [min, max], or null when absent. */
    Double number(String name, double min, double max) {
        JsonNode n = node(name);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be a number, not " + n + ".");
        }
        double v = n.asDouble();
        if (!(v >= min && v <= max)) {
            throw OpenAiException.invalid(name, "'" + name + "' must be between " + plain(min) + " and " + plain(max)
                    + ", not " + n + ".");
        }
        return v;
    }

    /** An integer in [min, max], or null when absent. */
    Long integer(String name, long min, long max) {
        JsonNode n = node(name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be an integer, not " + n + ".");
        }
        long v = n.asLong();
        if (v < min || v > max) {
            String range = max == Long.MAX_VALUE ? "at least " + min : max == min ? "exactly " + min
                    : "between " + min + " and " + max;
            throw OpenAiException.invalid(name, "'" + name + "' must be " + range + ", not " + v + ".");
        }
        return v;
    }

    boolean bool(String name, boolean fallback) {
        JsonNode n = node(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw OpenAiException.invalid(name, "'" + name + "' must be true or false, not " + n + ".");
        }
        return n.asBoolean();
    }

    /** {@code stop}: a string or an array of up to four non-empty strings; empty when absent. */
    List<String> stop() {
        JsonNode n = node("stop");
        if (n == null) {
            return List.of();
        }
        List<String> stops = new ArrayList<>();
        if (n.isTextual()) {
            stops.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode s : n) {
                if (!s.isTextual()) {
                    throw OpenAiException.invalid("stop", "'stop' must be a string or an array of strings, not " + n + ".");
                }
                stops.add(s.asText());
            }
        } else {
            throw OpenAiException.invalid("stop", "'stop' must be a string or an array of strings, not " + n + ".");
        }
        if (stops.size() > MAX_STOPS) {
            throw OpenAiException.invalid("stop", "'stop' may hold at most " + MAX_STOPS + " sequences, not " + stops.size() + ".");
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw OpenAiException.invalid("stop", "'stop' sequences must not be empty strings.");
        }
        return stops;
    }

    /** Rejects {@code n} other than 1: this server generates one choice per request. */
    void requireSingleChoice(String name) {
        JsonNode n = node(name);
        if (n != null && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw OpenAiException.invalid(name, "'" + name + "' must be 1, not " + n + ": this server generates one "
                    + "choice per request; send several requests (with different seeds) for more.");
        }
    }

    /** Rejects a field that would change the answer in a way this server does not implement, unless it is neutral. */
    void rejectUnlessNeutral(String name, String why) {
        JsonNode n = node(name);
        if (n == null) {
            return;
        }
        boolean neutral = (n.isNumber() && n.asDouble() == 0) || (n.isContainerNode() && n.isEmpty())
                || (n.isTextual() && (n.asText().equals("none") || n.asText().equals("text")))
                || (n.isObject() && n.size() == 1 && "text".equals(n.path("type").asText()));
        if (!neutral) {
            throw OpenAiException.unsupported(name, "'" + name + "' is not supported by this server: " + why + ".");
        }
    }

    /** {@code stream_options.include_usage}, which is only allowed on streamed requests. */
    boolean includeUsage(boolean stream) {
        JsonNode n = node("stream_options");
        if (n == null) {
            return false;
        }
        if (!stream) {
            throw OpenAiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true.");
        }
        if (!n.isObject()) {
            throw OpenAiException.invalid("stream_options", "'stream_options' must be an object, not " + n + ".");
        }
        JsonNode usage = n.get("include_usage");
        if (usage == null || usage.isNull()) {
            return false;
        }
        if (!usage.isBoolean()) {
            throw OpenAiException.invalid("stream_options.include_usage",
                    "'stream_options.include_usage' must be true or false, not " + usage + ".");
        }
        return usage.asBoolean();
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
