package dev.personaforge.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.personaforge.model.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/chat/completions} body, checked: the conversation, sampling fields, log-probability options.
 *
 * @param topLogprobs -1 without {@code logprobs}; else how many alternatives per token (0..20)
 */
record ChatCompletionRequest(String model, List<ChatMessage> messages, SamplingFields sampling, int topLogprobs) {

    static final int MAX_TOP_LOGPROBS = 20;

    static ChatCompletionRequest parse(JsonNode body) {
        RequestFields fields = RequestFields.of(body);
        String model = fields.requiredString("model", "a persona slug, <slug>@<run id> or base:<model>; see GET /v1/models");
        List<ChatMessage> messages = messages(fields.node("messages"));
        fields.requireSingleChoice("n");
        SamplingFields sampling = SamplingFields.read(fields, "max_completion_tokens", "max_tokens");
        boolean logprobs = fields.bool("logprobs", false);
        Long top = fields.integer("top_logprobs", 0, MAX_TOP_LOGPROBS);
        if (top != null && !logprobs) {
            throw OpenAiException.invalid("top_logprobs", "'top_logprobs' needs 'logprobs' set to true.");
        }
        String noTools = "local Persona Forge models have no tool or function calling";
        fields.rejectUnlessNeutral("tools", noTools);
        fields.rejectUnlessNeutral("tool_choice", noTools);
        fields.rejectUnlessNeutral("functions", noTools);
        fields.rejectUnlessNeutral("function_call", noTools);
        fields.rejectUnlessNeutral("presence_penalty", "only 0 is implemented");
        fields.rejectUnlessNeutral("frequency_penalty", "only 0 is implemented");
        fields.rejectUnlessNeutral("logit_bias", "token biases are not supported");
        fields.rejectUnlessNeutral("response_format", "only plain text answers are implemented");
        fields.rejectUnlessNeutral("audio", "answers are text only");
        return new ChatCompletionRequest(model, messages, sampling, logprobs ? (top == null ? 0 : top.intValue()) : -1);
    }

    /** True when the conversation sets its own system prompt (a system or developer message). */
    boolean hasSystemMessage() {
        return messages.stream().anyMatch(m -> m.role().equals("system"));
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null) {
            throw OpenAiException.invalid("messages", "Missing required parameter: 'messages' (an array of "
                    + "{\"role\": \"user\", \"content\": \"...\"} objects).");
        }
        if (!node.isArray()) {
            throw OpenAiException.invalid("messages", "'messages' must be an array, not " + node + ".");
        }
        if (node.isEmpty()) {
            throw OpenAiException.invalid("messages", "'messages' must hold at least one message; it is empty.");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) {
            throw OpenAiException.invalid(where, "'" + where + "' must be an object with 'role' and 'content', not " + m + ".");
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual()) {
            throw OpenAiException.invalid(where + ".role", "'" + where + ".role' is required: system, user or assistant.");
        }
        if (m.hasNonNull("tool_calls") || m.hasNonNull("function_call")) {
            throw OpenAiException.unsupported(where + ".tool_calls",
                    "'" + where + "' has tool calls; local Persona Forge models have no tool calling.");
        }
        String content = content(m.get("content"), where + ".content");
        return switch (role.asText()) {
            // "developer" is what OpenAI's newer models call the system message.
            case "system", "developer" -> ChatMessage.system(content);
            case "user" -> ChatMessage.user(content);
            case "assistant" -> ChatMessage.assistant(content);
            default -> throw OpenAiException.invalid(where + ".role", "'" + where + ".role' is '" + role.asText()
                    + "'; this server takes system, developer, user and assistant messages (no tool or function messages).");
        };
    }

    /** Text content: a string, or an array of {@code {"type": "text", "text": ...}} parts joined together. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            throw OpenAiException.invalid(where, "'" + where + "' is required: the message text.");
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw OpenAiException.unsupported(where, "'" + where + "' may only hold text parts "
                            + "({\"type\": \"text\", \"text\": \"...\"}); images, audio and files are not supported.");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw OpenAiException.invalid(where, "'" + where + "' must be a string or an array of text parts, not " + c + ".");
    }
}
