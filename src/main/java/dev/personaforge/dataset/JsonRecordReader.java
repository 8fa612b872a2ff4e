package dev.personaforge.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a JSON Lines file or a JSON array, each with the line where it starts.
 */
final class JsonRecordReader {

    /** Reads one whole line, so anything after the record is an error. */
    private static final JsonMapper LINE_MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Reads one value at a time from a longer stream, so it must not look past the value. */
    private static final JsonMapper STREAM_MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** One JSON value and the 1-based line where it starts. */
    record Located(int line, JsonNode value) {
    }

    private JsonRecordReader() {
    }

    /**
     * Reads one record per non-blank line, reporting each line that isn't valid JSON.
     *
     * <p>Some tools write "JSON Lines" with each record pretty-printed over several lines; when the line-by-line
     * reading fails but the whole text is a valid sequence of JSON values, that sequence is used instead.
     */
    static List<Located> jsonLines(String text, Problems problems) {
        List<Located> records = new ArrayList<>();
        List<ImportProblem> syntaxErrors = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                records.add(new Located(i + 1, LINE_MAPPER.readTree(lines[i])));
            } catch (JsonProcessingException e) {
                syntaxErrors.add(new ImportProblem(i + 1, null, JsonText.invalidJson(e, true)));
            }
        }
        if (syntaxErrors.isEmpty()) {
            return records;
        }
        List<Located> sequence = valueSequence(text);
        if (sequence != null) {
            return sequence;
        }
        syntaxErrors.forEach(p -> problems.error(p.line(), p.field(), p.message()));
        return records;
    }

    /** Reads the elements of a top-level JSON array; a syntax error ends the reading, as the rest can't be trusted. */
    static List<Located> jsonArray(String text, Problems problems) {
        List<Located> records = new ArrayList<>();
        try (JsonParser parser = STREAM_MAPPER.createParser(text)) {
            parser.nextToken();
            JsonToken token;
            // Jackson reports a missing ] as an error; the null check only guards against looping forever.
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                int line = parser.currentTokenLocation().getLineNr();
                records.add(new Located(line, STREAM_MAPPER.readTree(parser)));
            }
            if (hasMoreContent(parser)) {
                problems.error(parser.currentLocation().getLineNr(), null,
                        "there is more text after the closing ] of the list");
            }
        } catch (JsonProcessingException e) {
            problems.error(e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr()), null,
                    JsonText.invalidJson(e, false));
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string can't fail", e);
        }
        return records;
    }

    private static boolean hasMoreContent(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    /** The whole text read as consecutive JSON values, or null when that fails too. */
    private static List<Located> valueSequence(String text) {
        List<Located> records = new ArrayList<>();
        try (JsonParser parser = STREAM_MAPPER.createParser(text)) {
            while (parser.nextToken() != null) {
                int line = parser.currentTokenLocation().getLineNr();
                records.add(new Located(line, STREAM_MAPPER.readTree(parser)));
            }
            return records;
        } catch (IOException e) {
            return null;
        }
    }
}
