package dev.personaforge.dataset;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.personaforge.dataset.ParserTestSupport.assertOk;
import static dev.personaforge.dataset.ParserTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetParserFormatsTest {

    @Test
    void promptCompletionJsonLinesWithBlankLinesTagsAndSplit() {
        ParseResult result = parse("""
                {"prompt":"Who are you?","completion":"I'm Captain Hook.","tags":["intro"," pirate ","intro"]}

                {"prompt":"Where?","completion":"The Jolly Roger.","tags":"ship, places","split":"Validation"}
                """);
        assertOk(result);
        assertEquals(DatasetFormat.PROMPT_COMPLETION, result.format());
        assertEquals(List.of(
                new ImportedPair(1, "Who are you?", "I'm Captain Hook.", List.of("intro", "pirate"), PairSplit.AUTO,
                        null),
                new ImportedPair(3, "Where?", "The Jolly Roger.", List.of("ship", "places"), PairSplit.VALIDATION,
                        null)), result.pairs());
        assertTrue(result.warnings().isEmpty());
    }

    @Test
    void openAiChatWithSystemPromptAndWeight() {
        ParseResult result = parse("""
                {"messages":[{"role":"system","content":"You are Hook."},{"role":"user","content":"Hi"},\
                {"role":"assistant","content":"Ahoy!","weight":1}],"split":"train"}
                """);
        assertOk(result);
        assertEquals(DatasetFormat.OPENAI_CHAT, result.format());
        assertEquals(List.of(new ImportedPair(1, "Hi", "Ahoy!", List.of(), PairSplit.TRAIN, "You are Hook.")),
                result.pairs());
    }

    @Test
    void chatWithoutSystemMessageHasNullSystemPrompt() {
        ParseResult result = parse("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Ahoy!\"}]}");
        assertOk(result);
        assertNull(result.pairs().get(0).systemPrompt());
    }

    @Test
    void multiTurnConversationBecomesOnePairPerExchangeWithWarning() {
        ParseResult result = parse("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Ahoy!"}]}
                {"messages":[{"role":"system","content":"S"},{"role":"user","content":"Name?"},\
                {"role":"assistant","content":"Hook."},{"role":"user","content":"Ship?"},\
                {"role":"assistant","content":"Jolly Roger."}]}
                """);
        assertOk(result);
        assertEquals(List.of("Hi", "Name?", "Ship?"), result.pairs().stream().map(ImportedPair::prompt).toList());
        assertEquals(List.of("Ahoy!", "Hook.", "Jolly Roger."),
                result.pairs().stream().map(ImportedPair::completion).toList());
        assertEquals(List.of(1, 2, 2), result.pairs().stream().map(ImportedPair::line).toList());
        assertEquals("S", result.pairs().get(2).systemPrompt());
        assertEquals(1, result.warnings().size());
        ImportProblem warning = result.warnings().get(0);
        assertEquals(2, warning.line());
        assertTrue(warning.message().contains("2 user/assistant exchanges"), warning.message());
    }

    @Test
    void alpacaJsonLines() {
        ParseResult result = parse("""
                {"instruction":"Greet the crew.","input":"","output":"Ahoy, mateys!"}
                {"instruction":"Translate.","input":"안녕하세요","output":"Hello"}
                """);
        assertOk(result);
        assertEquals(DatasetFormat.ALPACA, result.format());
        assertEquals("Greet the crew.", result.pairs().get(0).prompt());
        assertEquals("Translate.\n\n안녕하세요", result.pairs().get(1).prompt());
        assertEquals("Hello", result.pairs().get(1).completion());
    }

    @Test
    void alpacaJsonArrayReportsTheLineWhereEachObjectStarts() {
        ParseResult result = parse("""
                [
                  {
                    "instruction": "Greet.",
                    "output": "Ahoy!"
                  },
                  {
                    "instruction": "Say bye.",
                    "input": "to Wendy",
                    "output": ""
                  }
                ]
                """);
        ParserTestSupport.singleError(result, 6, "output", "is empty");
        assertEquals(DatasetFormat.ALPACA, result.format());
        assertEquals(2, result.pairs().get(0).line());
    }

    @Test
    void prettyPrintedJsonLinesAreReadAsASequence() {
        ParseResult result = parse("""
                {
                  "prompt": "a",
                  "completion": "b"
                }
                {"prompt": "c", "completion": "d"}
                """);
        assertOk(result);
        assertEquals(List.of(1, 5), result.pairs().stream().map(ImportedPair::line).toList());
    }

    @Test
    void unusedFieldsGiveOneWarning() {
        ParseResult result = parse("""
                {"id":1,"prompt":"a","completion":"b"}
                {"id":2,"source":"x","prompt":"c","completion":"d"}
                """);
        assertOk(result);
        assertEquals(1, result.warnings().size());
        assertEquals("line 1: the fields \"id\", \"source\" are not used by Persona Forge and were ignored",
                result.warnings().get(0).toString());
    }

    @Test
    void csvWithCommas() {
        ParseResult result = parse("Prompt , Completion,Tags,Split\nHi,\"Hello, friend\",\"a, b\",train\n");
        assertOk(result);
        assertEquals(DatasetFormat.CSV, result.format());
        assertEquals(List.of(new ImportedPair(2, "Hi", "Hello, friend", List.of("a", "b"), PairSplit.TRAIN, null)),
                result.pairs());
    }

    @Test
    void csvWithSemicolons() {
        ParseResult result = parse("question;answer\nWhy, though?;Because.\n");
        assertOk(result);
        assertEquals(List.of("Why, though?"), result.pairs().stream().map(ImportedPair::prompt).toList());
        assertEquals("Because.", result.pairs().get(0).completion());
    }

    @Test
    void csvWithTabsAndAlpacaColumns() {
        ParseResult result = parse("instruction\tinput\toutput\nGreet.\t\tAhoy!\nTranslate.\tnon\tno\n");
        assertOk(result);
        assertEquals(List.of("Greet.", "Translate.\n\nnon"),
                result.pairs().stream().map(ImportedPair::prompt).toList());
    }

    @Test
    void csvWithInputOutputColumns() {
        ParseResult result = parse("input,output\nhi,hello\n");
        assertOk(result);
        assertEquals("hi", result.pairs().get(0).prompt());
    }

    @Test
    void csvMultiLineQuotedFieldsKeepPhysicalLineNumbers() {
        ParseResult result = parse("""
                prompt,completion
                "Tell me
                a story","Once upon a time,
                there was a ""pirate""."

                Short,Yes
                "Another
                one",
                """);
        assertEquals(List.of(2, 6), result.pairs().stream().map(ImportedPair::line).toList());
        assertEquals("Tell me\na story", result.pairs().get(0).prompt());
        assertEquals("Once upon a time,\nthere was a \"pirate\".", result.pairs().get(0).completion());
        ParserTestSupport.singleError(result, 7, "completion", "is empty");
    }

    @Test
    void csvWithWindowsLineEndsAndBlankRows() {
        ParseResult result = parse("prompt,completion\r\n\"a\r\nb\",c\r\n,\r\nd,e\r\n");
        assertOk(result);
        assertEquals("a\nb", result.pairs().get(0).prompt());
        assertEquals(List.of(2, 5), result.pairs().stream().map(ImportedPair::line).toList());
    }

    @Test
    void textKeepsSurroundingSpacesButNormalizesLineEnds() {
        ParseResult result = parse("{\"prompt\":\"  Hi \",\"completion\":\"line1\\r\\nline2\\rline3\\n\"}");
        assertOk(result);
        assertEquals("  Hi ", result.pairs().get(0).prompt());
        assertEquals("line1\nline2\nline3\n", result.pairs().get(0).completion());
    }

    @Test
    void csvHeaderAfterBlankLines() {
        ParseResult result = parse("\n\nprompt,completion\nhi,hello\n");
        assertOk(result);
        assertEquals(4, result.pairs().get(0).line());
    }

    @Test
    void jsonArraySyntaxErrorNamesItsLine() {
        ParserTestSupport.singleError(parse("[\n{\"prompt\":\"a\",\"completion\":\"b\"},\n{\"prompt\":\"c\",,}\n]"),
                3, null, "invalid JSON at column 15");
    }

    @Test
    void jsonArrayWithTextAfterTheClosingBracket() {
        ParserTestSupport.singleError(parse("[{\"prompt\":\"a\",\"completion\":\"b\"}]\n\nmore"), 3, null,
                "more text after the closing ]");
    }

    @Test
    void warningsAreCappedWithANote() {
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            file.append("{\"messages\":[{\"role\":\"user\",\"content\":\"a").append(i)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c")
                    .append(i).append("\"},{\"role\":\"assistant\",\"content\":\"d\"}]}\n");
        }
        ParseResult result = parse(file.toString());
        assertOk(result);
        assertEquals(300, result.pairs().size());
        assertEquals(101, result.warnings().size());
        assertEquals("50 more warnings like these were not listed.", result.warnings().get(100).toString());
    }
}
