package dev.personaforge.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static dev.personaforge.dataset.ParserTestSupport.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetExporterTest {

    private static final List<ExportPair> PAIRS = List.of(
            new ExportPair("안녕하세요! 누구세요?", "저는 후크 선장입니다 🏴‍☠️", List.of("korean", "인사"), PairSplit.AUTO),
            new ExportPair("Say \"hi\", please", "Hi, \"friend\", hi.", List.of(), PairSplit.TRAIN),
            new ExportPair("  leading and trailing  ", "line one\nline two\n\nline four ", List.of("spaces"),
                    PairSplit.VALIDATION),
            new ExportPair("#comment-like, =formula", "tab\there; semicolon", List.of("a", "b", "c"), PairSplit.AUTO),
            new ExportPair("windows\r\nline ends", "ok", List.of(), PairSplit.AUTO));

    private static byte[] export(ExportFormat format, String systemPrompt, List<ExportPair> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DatasetExporter().export(format, systemPrompt, pairs, out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void roundTripGivesTheSamePairs(ExportFormat format) {
        byte[] file = export(format, "You are Captain Hook.", PAIRS);
        ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(file, "export." + format.fileExtension(),
                Set.of());
        assertOk(result);
        assertTrue(result.warnings().isEmpty(), () -> result.warnings().toString());
        assertEquals(PAIRS.size(), result.pairs().size());
        for (int i = 0; i < PAIRS.size(); i++) {
            ExportPair expected = PAIRS.get(i);
            ImportedPair actual = result.pairs().get(i);
            assertEquals(expected.prompt().replace("\r\n", "\n"), actual.prompt());
            assertEquals(expected.completion(), actual.completion());
            assertEquals(expected.tags(), actual.tags());
            assertEquals(expected.split(), actual.split());
        }
    }

    @Test
    void formatsAreDetectedAsTheirImportFormat() {
        assertEquals(DatasetFormat.PROMPT_COMPLETION, parse(export(ExportFormat.PROMPT_COMPLETION_JSONL, "", PAIRS)));
        assertEquals(DatasetFormat.OPENAI_CHAT, parse(export(ExportFormat.OPENAI_CHAT_JSONL, "", PAIRS)));
        assertEquals(DatasetFormat.CSV, parse(export(ExportFormat.CSV, "", PAIRS)));
    }

    private static DatasetFormat parse(byte[] file) {
        return new DatasetParser(DatasetLimits.DEFAULT).parse(file, null, null).format();
    }

    @Test
    void promptCompletionJsonLinesOmitEmptyTagsAndAutoSplit() {
        String text = new String(export(ExportFormat.PROMPT_COMPLETION_JSONL, "ignored", List.of(
                new ExportPair("a", "b", List.of(), PairSplit.AUTO),
                new ExportPair("c", "d", List.of("x"), PairSplit.VALIDATION))), StandardCharsets.UTF_8);
        assertEquals("{\"prompt\":\"a\",\"completion\":\"b\"}\n"
                + "{\"prompt\":\"c\",\"completion\":\"d\",\"tags\":[\"x\"],\"split\":\"validation\"}\n", text);
    }

    @Test
    void chatJsonLinesWriteTheSystemPromptOnlyWhenPresent() {
        List<ExportPair> one = List.of(new ExportPair("a", "b", List.of(), PairSplit.TRAIN));
        assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"Be Hook.\"},{\"role\":\"user\",\"content\":"
                        + "\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}],\"split\":\"train\"}\n",
                new String(export(ExportFormat.OPENAI_CHAT_JSONL, "Be Hook.", one), StandardCharsets.UTF_8));
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":"
                        + "\"b\"}],\"split\":\"train\"}\n",
                new String(export(ExportFormat.OPENAI_CHAT_JSONL, "  ", one), StandardCharsets.UTF_8));
    }

    @Test
    void chatRoundTripReturnsTheSystemPrompt() {
        byte[] file = export(ExportFormat.OPENAI_CHAT_JSONL, "You are\r\nHook.", PAIRS);
        ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(file, null, null);
        assertTrue(result.pairs().stream().allMatch(p -> "You are\nHook.".equals(p.systemPrompt())));
    }

    @Test
    void csvHasHeaderRfc4180QuotingLfAndNoBom() {
        byte[] file = export(ExportFormat.CSV, null, List.of(
                new ExportPair("Say \"hi\"", "one,\ntwo", List.of("a", "b"), PairSplit.AUTO)));
        assertFalse(file[0] == (byte) 0xEF, "no byte order mark");
        assertEquals("prompt,completion,tags,split\n\"Say \"\"hi\"\"\",\"one,\ntwo\",\"a,b\",auto\n",
                new String(file, StandardCharsets.UTF_8));
    }

    @Test
    void exportPairRejectsTagsThatWouldNotSurviveARoundTrip() {
        assertThrows(IllegalArgumentException.class, () -> new ExportPair("a", "b", List.of("x,y"), null));
        assertThrows(IllegalArgumentException.class, () -> new ExportPair("a", "b", List.of(" x"), null));
    }

    @Test
    void exportFormatMetadata() {
        assertEquals("jsonl", ExportFormat.OPENAI_CHAT_JSONL.fileExtension());
        assertEquals("text/csv; charset=utf-8", ExportFormat.CSV.mediaType());
        assertEquals(ExportFormat.OPENAI_CHAT_JSONL, ExportFormat.parse(" OpenAI-Chat "));
        assertThrows(IllegalArgumentException.class, () -> ExportFormat.parse("xml"));
    }
}
