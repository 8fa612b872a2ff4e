package dev.personaforge.dataset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Validates the {@code messages} of an OpenAI chat record and turns each user/assistant exchange into a pair.
 */
final class ChatConversation {

    private static final String FIELD = "messages";
    private static final String SYSTEM = "system";
    private static final String USER = "user";
    private static final String ASSISTANT = "assistant";
    private static final String ACCEPTED_ROLES = "\"system\", \"user\" and \"assistant\"";

    private final FieldRules rules;
    private final Problems problems;

    ChatConversation(FieldRules rules, Problems problems) {
        this.rules = rules;
        this.problems = problems;
    }

    /** One message after its own checks: the role in lower case and the content, null when invalid. */
    private record Message(int number, String role, String content) {
    }

    /** The conversation's pairs, or an empty list after reporting its problems. */
    List<ImportedPair> pairs(int line, JsonNode messages, List<String> tags, PairSplit split) {
        if (!messages.isArray()) {
            problems.error(line, FIELD, "must be a list of messages, but is " + JsonText.describe(messages));
            return List.of();
        }
        if (messages.isEmpty()) {
            problems.error(line, FIELD, "is empty; a conversation needs a user message and an assistant reply");
            return List.of();
        }
        int errorsBefore = problems.errorCount();
        List<Message> parsed = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(line, i + 1, messages.get(i)));
        }
        if (problems.errorCount() != errorsBefore || !roleOrderValid(line, parsed)) {
            return List.of();
        }
        return exchanges(line, parsed, tags, split);
    }

    private Message message(int line, int number, JsonNode node) {
        if (!node.isObject()) {
            problems.error(line, FIELD, "message " + number + " must be an object with \"role\" and \"content\","
                    + " but is " + JsonText.describe(node));
            return null;
        }
        String role = role(line, number, node.get("role"));
        String content = content(line, number, role, node.get("content"));
        return role == null || content == null ? null : new Message(number, role, content);
    }

    private String role(int line, int number, JsonNode value) {
        if (value == null || value.isNull()) {
            problems.error(line, FIELD, "message " + number + " has no \"role\"; accepted roles are "
                    + ACCEPTED_ROLES);
            return null;
        }
        if (!value.isTextual()) {
            problems.error(line, FIELD, "message " + number + ": \"role\" must be text, but is "
                    + JsonText.describe(value));
            return null;
        }
        String role = value.textValue().strip().toLowerCase(Locale.ROOT);
        if (!role.equals(SYSTEM) && !role.equals(USER) && !role.equals(ASSISTANT)) {
            problems.error(line, FIELD, "message " + number + " has role \"" + Text.excerpt(value.textValue(), 40)
                    + "\"; accepted roles are " + ACCEPTED_ROLES);
            return null;
        }
        return role;
    }

    private String content(int line, int number, String role, JsonNode value) {
        String prefix = "message " + number + " ";
        if (value == null || value.isNull()) {
            problems.error(line, FIELD, prefix + "has no \"content\"");
            return null;
        }
        if (!value.isTextual()) {
            problems.error(line, FIELD, prefix + "\"content\" must be text, but is " + JsonText.describe(value));
            return null;
        }
        String text = Text.normalizeLineEnds(value.textValue());
        int length = Text.chars(text);
        if (length > rules.maxFieldChars()) {
            problems.error(line, FIELD, prefix + rules.tooLong(length));
            return null;
        }
        // An empty system message just means "no system prompt"; an empty turn would train on nothing.
        if (text.isBlank() && !SYSTEM.equals(role)) {
            problems.error(line, FIELD, prefix + (text.isEmpty() ? "is empty" : "contains only whitespace"));
            return null;
        }
        return text;
    }

    /** Checks system-first, then user/assistant alternation from user to assistant; reports the first break. */
    private boolean roleOrderValid(int line, List<Message> messages) {
        String previous = null;
        String expected = USER;
        for (Message message : messages) {
            if (message.role().equals(SYSTEM)) {
                if (message.number() != 1) {
                    problems.error(line, FIELD, "message " + message.number()
                            + " is \"system\"; a system message may only come first");
                    return false;
                }
            } else if (!message.role().equals(expected)) {
                problems.error(line, FIELD, "wrong role order: message " + message.number() + " is \""
                        + message.role() + "\"" + (previous == null ? "" : " after \"" + previous + "\"")
                        + "; expected \"" + expected + "\"");
                return false;
            } else {
                expected = expected.equals(USER) ? ASSISTANT : USER;
            }
            previous = message.role();
        }
        return endsWithAssistant(line, messages);
    }

    private boolean endsWithAssistant(int line, List<Message> messages) {
        Message last = messages.get(messages.size() - 1);
        if (last.role().equals(SYSTEM)) {
            problems.error(line, FIELD, "has only a system message; add a user message and an assistant reply");
            return false;
        }
        if (last.role().equals(USER)) {
            problems.error(line, FIELD, "the conversation ends with \"user\" (message " + last.number()
                    + "); it must end with an \"assistant\" reply");
            return false;
        }
        return true;
    }

    private List<ImportedPair> exchanges(int line, List<Message> messages, List<String> tags, PairSplit split) {
        String system = messages.get(0).role().equals(SYSTEM) && !messages.get(0).content().isBlank()
                ? messages.get(0).content() : null;
        List<ImportedPair> pairs = new ArrayList<>();
        String prompt = null;
        for (Message message : messages) {
            if (message.role().equals(USER)) {
                prompt = message.content();
            } else if (message.role().equals(ASSISTANT)) {
                pairs.add(new ImportedPair(line, prompt, message.content(), tags, split, system));
            }
        }
        if (pairs.size() > 1) {
            problems.warning(line, FIELD, "the conversation has " + pairs.size() + " user/assistant exchanges;"
                    + " each became its own pair, without the earlier turns as context");
        }
        return pairs;
    }
}
