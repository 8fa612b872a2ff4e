package dev.personaforge.dataset;

import java.util.List;
import java.util.Set;

/**
 * Reads an uploaded dataset file into pairs, validating it and describing every problem by line and field.
 *
 * <p>The format is detected from the content: a first non-blank character of an opening brace means JSON Lines,
 * {@code [} a JSON array of records, anything else CSV with a header row. Within JSON the first recognized
 * record decides between prompt/completion, OpenAI chat and Alpaca, and every later record must have the same
 * shape.
 *
 * <p>Text normalization: line ends become LF; everything else, including leading and trailing spaces, is kept
 * as written, so that exporting and importing again gives the same texts. Empty and whitespace-only texts are
 * rejected.
 *
 * <p>Instances are stateless apart from their limits and may be shared between threads.
 */
public final class DatasetParser {

    private final DatasetLimits limits;

    public DatasetParser(DatasetLimits limits) {
        this.limits = limits == null ? DatasetLimits.DEFAULT : limits;
    }

    /**
     * Parses a whole file.
     *
     * @param content            the file's bytes, expected to be UTF-8
     * @param fileName           the uploaded file's name, used only for hints in messages; may be null
     * @param existingPairHashes {@link PairHash} values of the persona's current pairs, so re-imports are caught;
     *                           may be null
     */
    public ParseResult parse(byte[] content, String fileName, Set<String> existingPairHashes) {
        Problems problems = new Problems(limits.maxErrorsListed());
        String text = Utf8Text.decode(content == null ? new byte[0] : content, problems);
        if (text == null) {
            return result(null, List.of(), problems);
        }
        text = Text.normalizeLineEnds(text);
        FieldRules rules = new FieldRules(limits, problems);
        PairCollector collector = new PairCollector(limits, existingPairHashes, problems);
        DatasetFormat format = switch (firstNonBlank(text)) {
            case '{' -> readJson(JsonRecordReader.jsonLines(text, problems), rules, problems, collector);
            case '[' -> readJson(JsonRecordReader.jsonArray(text, problems), rules, problems, collector);
            case 0 -> null;
            default -> {
                new CsvRecordReader(rules, problems, collector).read(text, fileName);
                yield DatasetFormat.CSV;
            }
        };
        collector.finish();
        return result(format, collector.pairs(), problems);
    }

    private static DatasetFormat readJson(List<JsonRecordReader.Located> records, FieldRules rules,
                                          Problems problems, PairCollector collector) {
        JsonRecordMapper mapper = new JsonRecordMapper(rules, problems, collector);
        records.forEach(r -> mapper.map(r.line(), r.value()));
        mapper.finish();
        return mapper.format();
    }

    private static char firstNonBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return text.charAt(i);
            }
        }
        return 0;
    }

    private static ParseResult result(DatasetFormat format, List<ImportedPair> pairs, Problems problems) {
        return new ParseResult(format, pairs, problems.errors(), problems.errorCount(), problems.warnings());
    }
}
