package dev.personaforge.dataset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns JSON records into pairs: recognizes each record's shape, holds the file to the shape of its first record,
 * and validates every field.
 */
final class JsonRecordMapper {

    private static final Set<String> PROMPT_COMPLETION_KEYS = Set.of("prompt", "completion", "tags", "split");
    private static final Set<String> CHAT_KEYS = Set.of("messages", "tags", "split");
    private static final Set<String> ALPACA_KEYS = Set.of("instruction", "input", "output", "tags", "split");
    private static final String ACCEPTED_SHAPES = "expected \"prompt\" and \"completion\", \"messages\" (OpenAI chat)"
            + " or \"instruction\" and \"output\" (Alpaca)";

    private final FieldRules rules;
    private final Problems problems;
    private final PairCollector collector;
    private final ChatConversation chat;
    private final Set<String> ignoredKeys = new LinkedHashSet<>();
    private int ignoredKeysLine;
    private DatasetFormat format;
    private int formatLine;

    JsonRecordMapper(FieldRules rules, Problems problems, PairCollector collector) {
        this.rules = rules;
        this.problems = problems;
        this.collector = collector;
        this.chat = new ChatConversation(rules, problems);
    }

    /** The shape fixed by the first recognized record, or null when none was recognized. */
    DatasetFormat format() {
        return format;
    }

    /** Validates one record that starts at the given line and hands its pairs to the collector. */
    void map(int line, JsonNode record) {
        if (!record.isObject()) {
            problems.error(line, null, "each record must be a JSON object {…}, but this is "
                    + JsonText.describe(record));
            return;
        }
        DatasetFormat shape = shapeOf(record);
        if (shape == null || (format != null && shape != format)) {
            problems.error(line, null, format == null
                    ? "not a recognized record: found keys " + keys(record) + "; " + ACCEPTED_SHAPES
                    : "expected " + describe(format) + " like line " + formatLine + ", found keys " + keys(record));
            return;
        }
        if (format == null) {
            format = shape;
            formatLine = line;
        }
        noteIgnoredKeys(line, record, shape);
        int errorsBefore = problems.errorCount();
        List<String> tags = tags(line, record);
        PairSplit split = split(line, record);
        List<ImportedPair> pairs = switch (shape) {
            case PROMPT_COMPLETION -> promptCompletion(line, record, tags, split);
            case ALPACA -> alpaca(line, record, tags, split);
            case OPENAI_CHAT -> chat.pairs(line, record.get("messages"), tags, split);
            case CSV -> throw new IllegalStateException("CSV is never a JSON shape");
        };
        if (problems.errorCount() == errorsBefore) {
            pairs.forEach(collector::add);
        }
    }

    /** Reports, once per file, the fields that were present but not used. */
    void finish() {
        if (!ignoredKeys.isEmpty()) {
            problems.warning(ignoredKeysLine, null, (ignoredKeys.size() == 1 ? "the field " : "the fields ")
                    + String.join(", ", ignoredKeys.stream().map(k -> "\"" + k + "\"").toList())
                    + (ignoredKeys.size() == 1 ? " is" : " are") + " not used by Persona Forge and "
                    + (ignoredKeys.size() == 1 ? "was" : "were") + " ignored");
        }
    }

    private static DatasetFormat shapeOf(JsonNode record) {
        if (record.has("messages")) {
            return DatasetFormat.OPENAI_CHAT;
        }
        if (record.has("prompt") || record.has("completion")) {
            return DatasetFormat.PROMPT_COMPLETION;
        }
        if (record.has("instruction") || record.has("output")) {
            return DatasetFormat.ALPACA;
        }
        return null;
    }

    private static String describe(DatasetFormat shape) {
        return switch (shape) {
            case PROMPT_COMPLETION -> "a prompt/completion record";
            case OPENAI_CHAT -> "an OpenAI chat record";
            case ALPACA -> "an Alpaca record";
            case CSV -> "a CSV row";
        };
    }

    private static List<String> keys(JsonNode record) {
        List<String> keys = new ArrayList<>();
        record.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private void noteIgnoredKeys(int line, JsonNode record, DatasetFormat shape) {
        Set<String> known = switch (shape) {
            case OPENAI_CHAT -> CHAT_KEYS;
            case ALPACA -> ALPACA_KEYS;
            default -> PROMPT_COMPLETION_KEYS;
        };
        for (String key : keys(record)) {
            if (!known.contains(key) && ignoredKeys.add(key) && ignoredKeysLine == 0) {
                ignoredKeysLine = line;
            }
        }
    }

    private List<ImportedPair> promptCompletion(int line, JsonNode record, List<String> tags, PairSplit split) {
        String prompt = requiredText(line, record, "prompt");
        String completion = requiredText(line, record, "completion");
        if (prompt == null || completion == null) {
            return List.of();
        }
        return List.of(new ImportedPair(line, prompt, completion, tags, split, null));
    }

    private List<ImportedPair> alpaca(int line, JsonNode record, List<String> tags, PairSplit split) {
        String instruction = requiredText(line, record, "instruction");
        String input = optionalText(line, record, "input");
        String output = requiredText(line, record, "output");
        if (instruction == null || input == null || output == null) {
            return List.of();
        }
        String prompt = AlpacaPrompt.of(instruction, input);
        if (rules.withinLimit(line, "input", prompt) == null) {
            return List.of();
        }
        return List.of(new ImportedPair(line, prompt, output, tags, split, null));
    }

    private String requiredText(int line, JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null) {
            problems.error(line, field, "is missing");
            return null;
        }
        if (!value.isTextual()) {
            problems.error(line, field, "must be text, but is " + JsonText.describe(value));
            return null;
        }
        return rules.requiredText(line, field, value.textValue());
    }

    /** The field's text, "" when absent or null, or null after reporting a problem. */
    private String optionalText(int line, JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            problems.error(line, field, "must be text, but is " + JsonText.describe(value));
            return null;
        }
        return rules.optionalText(line, field, value.textValue());
    }

    private List<String> tags(int line, JsonNode record) {
        JsonNode value = record.get("tags");
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return rules.tags(line, "tags", List.of(value.textValue().split(",", -1)));
        }
        if (value.isArray()) {
            List<String> tags = new ArrayList<>();
            for (JsonNode tag : value) {
                if (!tag.isTextual()) {
                    problems.error(line, "tags", "must be a list of texts, but contains " + JsonText.describe(tag));
                    return null;
                }
                tags.add(tag.textValue());
            }
            return rules.tags(line, "tags", tags);
        }
        problems.error(line, "tags", "must be a list of texts or one comma-separated text, but is "
                + JsonText.describe(value));
        return null;
    }

    private PairSplit split(int line, JsonNode record) {
        JsonNode value = record.get("split");
        if (value == null || value.isNull()) {
            return PairSplit.AUTO;
        }
        if (!value.isTextual()) {
            problems.error(line, "split", "must be text (" + PairSplit.ACCEPTED + "), but is "
                    + JsonText.describe(value));
            return null;
        }
        return rules.split(line, "split", value.textValue());
    }
}
