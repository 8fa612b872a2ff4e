package dev.personaforge.dataset;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.personaforge.dataset.ParserTestSupport.assertOk;
import static dev.personaforge.dataset.ParserTestSupport.parse;
import static dev.personaforge.dataset.ParserTestSupport.singleError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetParserErrorsTest {

    private static final String GOOD = "{\"prompt\":\"Hi\",\"completion\":\"Hello there.\"}\n";

    @Test
    void invalidJsonNamesLineAndColumn() {
        ImportProblem problem = singleError(parse(GOOD + "{\"prompt\":\"a\" \"completion\":\"b\"}\n"), 2, null,
                "invalid JSON at column 15");
        assertTrue(problem.message().contains("comma is missing"), problem.message());
    }

    @Test
    void truncatedJsonLineSaysItEndsTooEarly() {
        singleError(parse(GOOD + "{\"prompt\":\"a\",\"completion\":\"b\"\n"), 2, null, "ends too early");
    }

    @Test
    void recordThatIsNotAnObject() {
        singleError(parse("[" + GOOD.strip() + ",\n \"just text\"]"), 2, null,
                "must be a JSON object {…}, but this is text");
    }

    @Test
    void missingField() {
        singleError(parse(GOOD + "{\"prompt\":\"Only a question\"}\n"), 2, "completion", "is missing");
    }

    @Test
    void wrongFieldType() {
        singleError(parse(GOOD + "{\"prompt\":\"How old?\",\"completion\":42}\n"), 2, "completion",
                "must be text, but is a number");
    }

    @Test
    void emptyText() {
        singleError(parse(GOOD + "{\"prompt\":\"\",\"completion\":\"b\"}\n"), 2, "prompt", "is empty");
    }

    @Test
    void whitespaceOnlyText() {
        singleError(parse(GOOD + "{\"prompt\":\"q\",\"completion\":\" \\n\\t \"}\n"), 2, "completion",
                "contains only whitespace");
    }

    @Test
    void textOverTheLimitGivesBothNumbers() {
        String big = "x".repeat(17_204);
        ImportProblem problem = singleError(parse(GOOD + "{\"prompt\":\"q\",\"completion\":\"" + big + "\"}\n"),
                2, "completion", "is 17,204 characters, over the limit of 16,000");
        assertEquals("line 2, field \"completion\": is 17,204 characters, over the limit of 16,000",
                problem.toString());
    }

    @Test
    void limitCountsEmojiAsOneCharacter() {
        DatasetParser parser = new DatasetParser(new DatasetLimits(3, 10, 10));
        ParseResult result = parser.parse("{\"prompt\":\"😀😀😀\",\"completion\":\"ok\"}".getBytes(
                StandardCharsets.UTF_8), null, null);
        assertOk(result);
    }

    @Test
    void duplicateWithinFileNamesFirstLine() {
        singleError(parse(GOOD + "\n" + GOOD), 3, null, "duplicate of line 1");
    }

    @Test
    void duplicateIgnoresLineEndsAndSurroundingSpace() {
        singleError(parse(GOOD + "{\"prompt\":\" Hi\\r\\n\",\"completion\":\"Hello there.\"}"), 2, null,
                "duplicate of line 1");
    }

    @Test
    void duplicateOfExistingPair() {
        singleError(parse(GOOD, Set.of(PairHash.of("Hi", "Hello there."))), 1, null,
                "duplicate of a pair already in this persona");
    }

    @Test
    void unknownChatRole() {
        ImportProblem problem = singleError(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"tool\",\"content\":\"b\"}]}"), 1, "messages", "message 2 has role \"tool\"");
        assertTrue(problem.message().contains("\"system\", \"user\" and \"assistant\""), problem.message());
    }

    @Test
    void wrongRoleOrder() {
        singleError(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\","
                        + "\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\"},"
                        + "{\"role\":\"user\",\"content\":\"d\"},"
                        + "{\"role\":\"assistant\",\"content\":\"e\"}]}"), 1, "messages",
                "wrong role order: message 4 is \"user\" after \"user\"; expected \"assistant\"");
    }

    @Test
    void conversationStartingWithAssistant() {
        singleError(parse("{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}]}"), 1, "messages",
                "wrong role order: message 1 is \"assistant\"; expected \"user\"");
    }

    @Test
    void systemMessageNotFirst() {
        singleError(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"system\","
                        + "\"content\":\"s\"},{\"role\":\"assistant\",\"content\":\"b\"}]}"), 1, "messages",
                "message 2 is \"system\"; a system message may only come first");
    }

    @Test
    void conversationEndingWithUser() {
        singleError(parse("{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\","
                        + "\"content\":\"a\"}]}"), 1, "messages",
                "the conversation ends with \"user\" (message 2); it must end with an \"assistant\" reply");
    }

    @Test
    void emptyChatMessage() {
        singleError(parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\","
                + "\"content\":\"  \"}]}"), 1, "messages", "message 2 contains only whitespace");
    }

    @Test
    void chatContentOfWrongType() {
        singleError(parse("{\"messages\":[{\"role\":\"user\",\"content\":[1]},{\"role\":\"assistant\","
                + "\"content\":\"b\"}]}"), 1, "messages", "message 1 \"content\" must be text, but is a list");
    }

    @Test
    void badSplitValueListsAcceptedValues() {
        singleError(parse("{\"prompt\":\"a\",\"completion\":\"b\",\"split\":\"test\"}"), 1, "split",
                "\"test\" is not a valid split; use auto, train or validation");
    }

    @Test
    void tooManyTags() {
        String tags = "\"" + String.join(",", IntStream.range(0, 21).mapToObj(i -> "tag" + i).toList()) + "\"";
        singleError(parse("{\"prompt\":\"a\",\"completion\":\"b\",\"tags\":" + tags + "}"), 1, "tags",
                "over the limit of 20");
    }

    @Test
    void tagTooLong() {
        singleError(parse("{\"prompt\":\"a\",\"completion\":\"b\",\"tags\":[\"" + "x".repeat(41) + "\"]}"), 1,
                "tags", "is 41 characters, over the limit of 40");
    }

    @Test
    void tagOfWrongType() {
        singleError(parse("{\"prompt\":\"a\",\"completion\":\"b\",\"tags\":[\"ok\", 3]}"), 1, "tags",
                "must be a list of texts, but contains a number");
    }

    @Test
    void utf16FileIsRefusedAsAWhole() {
        byte[] utf16 = (GOOD + GOOD).getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[utf16.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(utf16, 0, withBom, 2, utf16.length);
        for (byte[] content : new byte[][] {withBom, utf16}) {
            ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(content, "x.jsonl", Set.of());
            singleError(result, 0, null, "the file is UTF-16 encoded; save it as UTF-8");
            assertNull(result.format());
        }
    }

    @Test
    void invalidUtf8ByteNamesLineAndColumn() {
        byte[] latin1 = (GOOD + GOOD.replace("Hi", "Hey") + "\n{\"prompt\":\"café\",\"completion\":\"b\"}\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(latin1, "x.jsonl", Set.of());
        ImportProblem problem = singleError(result, 4, null, "not valid UTF-8 (byte 0xE9 at column 15)");
        assertEquals("line 4: not valid UTF-8 (byte 0xE9 at column 15); save the file as UTF-8", problem.toString());
    }

    @Test
    void utf8BomIsStripped() {
        byte[] text = GOOD.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[text.length + 3];
        content[0] = (byte) 0xEF;
        content[1] = (byte) 0xBB;
        content[2] = (byte) 0xBF;
        System.arraycopy(text, 0, content, 3, text.length);
        ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(content, "x.jsonl", Set.of());
        assertOk(result);
        assertEquals(DatasetFormat.PROMPT_COMPLETION, result.format());
    }

    @Test
    void csvMissingColumnNamesFoundAndNeeded() {
        ImportProblem problem = singleError(parse("Prompt,Reply\nhi,hello\n"), 1, null,
                "the header row has the columns [Prompt, Reply]; needed \"prompt\" and \"completion\"");
        assertTrue(problem.message().contains("\"question\" and \"answer\""), problem.message());
    }

    @Test
    void csvMissingColumnHintsAtJsonFileName() {
        ParseResult result = new DatasetParser(DatasetLimits.DEFAULT).parse(
                "prompt\thi\n".getBytes(StandardCharsets.UTF_8), "data.jsonl", null);
        singleError(result, 1, null, "The file name ends in .jsonl, but a JSON file must start with { or [");
    }

    @Test
    void csvWrongColumnCount() {
        singleError(parse("prompt,completion\nhi,hello\nhow are you, friend,fine\n"), 3, null,
                "the row has 3 columns, but the header has 2");
    }

    @Test
    void csvUnclosedQuote() {
        singleError(parse("prompt,completion\nhi,hello\n\"open,fine\n"), 3, null, "a quoted text is not closed");
    }

    @Test
    void csvStrayQuote() {
        singleError(parse("prompt,completion\nx,y\n\"a\"b,c\n"), 3, null,
                "a \" inside quoted text must be written twice");
    }

    @Test
    void jsonMistakesAreExplainedInPlainWords() {
        singleError(parse("{\"prompt\":\"a\",}"), 1, null, "unexpected character '}'; remove the comma before it");
        singleError(parse("{\"prompt\":'a'}"), 1, null, "must be in double quotes");
        singleError(parse("{\"prompt\":\"a\",\"prompt\":\"b\",\"completion\":\"c\"}"), 1, null,
                "the field \"prompt\" appears twice");
    }

    @Test
    void mixedShapesNameTheExpectedOne() {
        singleError(parse(GOOD + "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\","
                        + "\"content\":\"b\"}]}"), 2, null,
                "expected a prompt/completion record like line 1, found keys [messages]");
    }

    @Test
    void unrecognizedRecordNamesKeysAndShapes() {
        ImportProblem problem = singleError(parse("{\"question\":\"a\",\"answer\":\"b\"}"), 1, null,
                "found keys [question, answer]");
        assertTrue(problem.message().contains("\"messages\" (OpenAI chat)"), problem.message());
    }

    @Test
    void emptyFile() {
        singleError(parse(""), 0, null, "the file contains no pairs");
        singleError(parse(" \n\n "), 0, null, "the file contains no pairs");
        singleError(parse("[]"), 0, null, "the file contains no pairs");
        singleError(parse("prompt,completion\n"), 0, null, "the file contains no pairs");
    }

    @Test
    void tooManyPairsIsOneError() {
        DatasetParser parser = new DatasetParser(new DatasetLimits(100, 2, 10));
        ParseResult result = parser.parse("prompt,completion\na,1\nb,2\nc,3\nd,4\n".getBytes(StandardCharsets.UTF_8),
                "x.csv", null);
        singleError(result, 0, null, "the file has 4 pairs, over the limit of 2");
        assertEquals(2, result.pairs().size());
    }

    @Test
    void errorListIsCappedButTheTotalIsTrue() {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            file.append("{\"prompt\":\"q").append(i).append("\",\"completion\":\"\"}\n");
        }
        ParseResult result = parse(file.toString());
        assertEquals(100, result.errors().size());
        assertEquals(250, result.errorCount());
        assertEquals(100, result.errors().get(99).line());
    }

    @Test
    void aFileWithErrorsStillShowsItsValidPairs() {
        ParseResult result = parse(GOOD + "{\"prompt\":\"\",\"completion\":\"b\"}\n");
        assertEquals(1, result.pairs().size());
        assertEquals(1, result.errorCount());
    }
}
