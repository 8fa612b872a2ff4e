package dev.personaforge.dataset;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a CSV file with a header row into pairs, naming the physical line where each row starts.
 */
final class CsvRecordReader {

    private static final Pattern LEXER_LINE = Pattern.compile("(?:\\(startline |\\(line |at line: )([\\d,]+)");
    private static final String NEEDED_COLUMNS = "needed \"prompt\" and \"completion\" (or \"question\" and"
            + " \"answer\", \"instruction\" and \"output\" with an optional \"input\", or \"input\" and \"output\")";

    private final FieldRules rules;
    private final Problems problems;
    private final PairCollector collector;

    CsvRecordReader(FieldRules rules, Problems problems, PairCollector collector) {
        this.rules = rules;
        this.problems = problems;
        this.collector = collector;
    }

    /** Where the pair's parts are in a row; {@code input} is -1 unless the file is Alpaca-like. */
    private record Columns(List<String> names, int prompt, int input, int completion, int tags, int split) {

        String name(int index) {
            return names.get(index);
        }
    }

    void read(String text, String fileName) {
        LineIndex lines = new LineIndex(text);
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(detectDelimiter(text))
                .setIgnoreEmptyLines(true)
                .get();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            Iterator<CSVRecord> rows = parser.iterator();
            CSVRecord header = nextRow(rows, lines, parser);
            if (header == null) {
                return;
            }
            Columns columns = columns(header, lines.lineOf(header.getCharacterPosition()), fileName);
            if (columns == null) {
                return;
            }
            CSVRecord row;
            while ((row = nextRow(rows, lines, parser)) != null) {
                row(row, lines.lineOf(row.getCharacterPosition()), columns);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string can't fail", e);
        }
    }

    /** The next row that has any text, or null at the end or after reporting a quoting error. */
    private CSVRecord nextRow(Iterator<CSVRecord> rows, LineIndex lines, CSVParser parser) {
        try {
            while (rows.hasNext()) {
                CSVRecord row = rows.next();
                if (!row.stream().allMatch(String::isBlank)) {
                    return row;
                }
            }
            return null;
        } catch (UncheckedIOException | IllegalStateException e) {
            problems.error(lexerLine(e, parser), null, explainQuoting(String.valueOf(e.getMessage())));
            return null;
        }
    }

    private static int lexerLine(RuntimeException e, CSVParser parser) {
        Matcher m = LEXER_LINE.matcher(String.valueOf(e.getMessage()));
        long line = m.find() ? Long.parseLong(m.group(1).replace(",", "")) : parser.getCurrentLineNumber();
        return (int) Math.max(1, line);
    }

    private static String explainQuoting(String message) {
        if (message.contains("EOF reached before encapsulated token finished")) {
            return "a quoted text is not closed; check that every opening \" has a closing \"";
        }
        if (message.toLowerCase(Locale.ROOT).contains("between encapsulated token and delimiter")) {
            return "unexpected text after a closing quote; a \" inside quoted text must be written twice (\"\")";
        }
        return "the row can't be read as CSV; check the quotes";
    }

    private Columns columns(CSVRecord header, int line, String fileName) {
        List<String> names = header.stream().map(String::strip).toList();
        List<String> keys = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        int tags = keys.indexOf("tags");
        int split = keys.indexOf("split");
        for (String[] pair : new String[][] {{"prompt", "completion"}, {"question", "answer"}}) {
            if (keys.contains(pair[0]) && keys.contains(pair[1])) {
                return new Columns(names, keys.indexOf(pair[0]), -1, keys.indexOf(pair[1]), tags, split);
            }
        }
        if (keys.contains("instruction") && keys.contains("output")) {
            return new Columns(names, keys.indexOf("instruction"), keys.indexOf("input"), keys.indexOf("output"),
                    tags, split);
        }
        if (keys.contains("input") && keys.contains("output")) {
            return new Columns(names, keys.indexOf("input"), -1, keys.indexOf("output"), tags, split);
        }
        problems.error(line, null, "the header row has the columns " + names + "; " + NEEDED_COLUMNS
                + jsonHint(fileName));
        return null;
    }

    /** A hint for a file named .json/.jsonl whose content isn't JSON, since the name suggests what was meant. */
    private static String jsonHint(String fileName) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".jsonl")
                ? ". The file name ends in " + name.substring(name.lastIndexOf('.'))
                + ", but a JSON file must start with { or ["
                : "";
    }

    private void row(CSVRecord row, int line, Columns columns) {
        if (row.size() != columns.names().size()) {
            problems.error(line, null, "the row has " + Text.plural(row.size(), "column", "columns")
                    + ", but the header has " + columns.names().size() + "; text with commas, quotes or line"
                    + " breaks must be in double quotes");
            return;
        }
        int errorsBefore = problems.errorCount();
        String prompt = rules.requiredText(line, columns.name(columns.prompt()), row.get(columns.prompt()));
        String input = columns.input() < 0 ? ""
                : rules.optionalText(line, columns.name(columns.input()), row.get(columns.input()));
        String completion = rules.requiredText(line, columns.name(columns.completion()),
                row.get(columns.completion()));
        List<String> tags = columns.tags() < 0 ? List.of()
                : rules.tags(line, columns.name(columns.tags()),
                Arrays.asList(row.get(columns.tags()).split(",", -1)));
        PairSplit split = columns.split() < 0 ? PairSplit.AUTO
                : rules.split(line, columns.name(columns.split()), row.get(columns.split()));
        if (problems.errorCount() != errorsBefore) {
            return;
        }
        String fullPrompt = AlpacaPrompt.of(prompt, input);
        if (columns.input() >= 0 && rules.withinLimit(line, columns.name(columns.input()), fullPrompt) == null) {
            return;
        }
        collector.add(new ImportedPair(line, fullPrompt, completion, tags, split, null));
    }

    /** Picks comma, semicolon or tab, whichever the header row uses most outside quotes; comma on a tie. */
    static char detectDelimiter(String text) {
        String header = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        int[] counts = new int[3];
        char[] candidates = {',', ';', '\t'};
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            for (int i = 0; i < candidates.length && !quoted; i++) {
                if (c == candidates[i]) {
                    counts[i]++;
                }
            }
        }
        int best = 0;
        for (int i = 1; i < candidates.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return candidates[best];
    }

    /** Maps character offsets to 1-based line numbers. */
    private static final class LineIndex {

        private final String text;
        private final List<Long> starts = new ArrayList<>();

        LineIndex(String text) {
            this.text = text;
            starts.add(0L);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    starts.add(i + 1L);
                }
            }
        }

        /** The line of the record starting at the offset; skipped empty lines before it don't count. */
        int lineOf(long offset) {
            // Commons CSV reports a record's position before the empty lines it skipped.
            while (offset < text.length() && text.charAt((int) offset) == '\n') {
                offset++;
            }
            int index = Collections.binarySearch(starts, offset);
            return index >= 0 ? index + 1 : -index - 1;
        }
    }
}
