package dev.personaforge.dataset;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a persona's pairs as a file that {@link DatasetParser} reads back to the same prompts, completions, tags
 * and splits.
 *
 * <p>Output is UTF-8 without a byte order mark, with LF line ends; texts have their line ends normalized to LF and
 * are otherwise written as they are.
 */
public final class DatasetExporter {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final CSVFormat CSV_FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Writes all pairs to the stream, which is flushed but left open.
     *
     * @param systemPrompt the persona's system prompt, written into each chat record when not blank; ignored by
     *                     the other formats
     * @throws UncheckedIOException when the stream fails
     */
    public void export(ExportFormat format, String systemPrompt, List<ExportPair> pairs, OutputStream out) {
        try {
            switch (format) {
                case PROMPT_COMPLETION_JSONL -> writeJsonLines(pairs, false, null, out);
                case OPENAI_CHAT_JSONL -> writeJsonLines(pairs, true,
                        systemPrompt == null || systemPrompt.isBlank() ? null : text(systemPrompt), out);
                case CSV -> writeCsv(pairs, out);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the export failed", e);
        }
    }

    /** Writes one prompt/completion or chat record per line; {@code system} is null when there is none. */
    private static void writeJsonLines(List<ExportPair> pairs, boolean chat, String system, OutputStream out)
            throws IOException {
        for (ExportPair pair : pairs) {
            ObjectNode record = NODES.objectNode();
            if (chat) {
                record.set("messages", messages(system, pair));
            } else {
                record.put("prompt", text(pair.prompt()));
                record.put("completion", text(pair.completion()));
            }
            addTagsAndSplit(record, pair);
            out.write(MAPPER.writeValueAsBytes(record));
            out.write('\n');
        }
    }

    private static ArrayNode messages(String system, ExportPair pair) {
        ArrayNode messages = NODES.arrayNode();
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", text(pair.prompt()));
        messages.addObject().put("role", "assistant").put("content", text(pair.completion()));
        return messages;
    }

    private static void addTagsAndSplit(ObjectNode record, ExportPair pair) {
        if (!pair.tags().isEmpty()) {
            ArrayNode tags = record.putArray("tags");
            pair.tags().forEach(tags::add);
        }
        if (pair.split() != PairSplit.AUTO) {
            record.put("split", pair.split().wireName());
        }
    }

    private static void writeCsv(List<ExportPair> pairs, OutputStream out) throws IOException {
        // Not closed: closing the printer would close the caller's stream.
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(writer, CSV_FORMAT);
        printer.printRecord("prompt", "completion", "tags", "split");
        for (ExportPair pair : pairs) {
            printer.printRecord(text(pair.prompt()), text(pair.completion()), PairTags.join(pair.tags()),
                    pair.split().wireName());
        }
        printer.flush();
    }

    private static String text(String value) {
        return Text.normalizeLineEnds(value);
    }
}
