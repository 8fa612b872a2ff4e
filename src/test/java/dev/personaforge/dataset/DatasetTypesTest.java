package dev.personaforge.dataset;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTypesTest {

    @Test
    void pairSplitParsesTheThreeNamesIgnoringCase() {
        assertEquals(PairSplit.AUTO, PairSplit.parse("auto"));
        assertEquals(PairSplit.TRAIN, PairSplit.parse(" TRAIN "));
        assertEquals(PairSplit.VALIDATION, PairSplit.parse("Validation"));
        assertEquals("validation", PairSplit.VALIDATION.wireName());
    }

    @Test
    void pairSplitRejectsOtherNamesListingTheAcceptedOnes() {
        for (String name : List.of("val", "valid", "eval", "test", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairSplit.parse(name));
            assertTrue(e.getMessage().endsWith("use auto, train or validation"), e.getMessage());
        }
    }

    @Test
    void formatLabels() {
        assertEquals("OpenAI chat JSONL", DatasetFormat.OPENAI_CHAT.label());
        assertEquals("Alpaca JSON", DatasetFormat.ALPACA.label());
    }

    @Test
    void importProblemRendersLineAndField() {
        assertEquals("line 7, field \"completion\": is empty",
                new ImportProblem(7, "completion", "is empty").toString());
        assertEquals("line 3: duplicate of line 1", new ImportProblem(3, null, "duplicate of line 1").toString());
        assertEquals("the file contains no pairs", new ImportProblem(0, null, "the file contains no pairs").toString());
        assertThrows(IllegalArgumentException.class, () -> new ImportProblem(-1, null, "x"));
    }

    @Test
    void pairHashNormalizesLineEndsAndSurroundingWhitespace() {
        String hash = PairHash.of("Hello\nthere", "General Kenobi");
        assertEquals(64, hash.length());
        assertEquals(hash, PairHash.of("  Hello\r\nthere\n", "General Kenobi\r"));
        assertNotEquals(hash, PairHash.of("Hello there", "General Kenobi"));
        assertNotEquals(PairHash.of("ab", "c"), PairHash.of("a", "bc"));
    }

    @Test
    void tagsAreTrimmedDeduplicatedAndLimited() {
        assertEquals(List.of("a", "b"), PairTags.parse(" a, b ,a,, "));
        assertEquals(List.of(), PairTags.parse("  "));
        assertEquals("a,b", PairTags.join(List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> PairTags.normalize(List.of("x".repeat(41))));
        assertThrows(IllegalArgumentException.class, () -> PairTags.normalize(List.of("a,b")));
    }

    @Test
    void limitsAndResultsValidateThemselves() {
        assertEquals(new DatasetLimits(16_000, 50_000, 100), DatasetLimits.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> new DatasetLimits(0, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new ParseResult(null, List.of(), List.of(new ImportProblem(0, null, "x")), 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(10, 5, 4000, 512));
        assertEquals(new Thresholds(10, 50, 4000, 512), Thresholds.DEFAULT);
    }

    @Test
    void importedPairDefaultsAbsentSplitToAuto() {
        ImportedPair pair = new ImportedPair(1, "a", "b", null, null, null);
        assertEquals(PairSplit.AUTO, pair.split());
        assertEquals(List.of(), pair.tags());
        assertEquals(PairHash.of("a", "b"), pair.hash());
    }
}
