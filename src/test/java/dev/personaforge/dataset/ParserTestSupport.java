package dev.personaforge.dataset;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shortcuts for parser tests: parse a text and check its single error.
 */
final class ParserTestSupport {

    private ParserTestSupport() {
    }

    static ParseResult parse(String content) {
        return parse(content, Set.of());
    }

    static ParseResult parse(String content, Set<String> existing) {
        return new DatasetParser(DatasetLimits.DEFAULT).parse(content.getBytes(StandardCharsets.UTF_8), "upload",
                existing);
    }

    /** Asserts exactly one error, at the line and field given, whose message contains the text. */
    static ImportProblem singleError(ParseResult result, int line, String field, String messagePart) {
        assertFalse(result.ok(), "expected an error");
        assertEquals(1, result.errorCount(), () -> "expected one error, got " + describe(result));
        ImportProblem problem = result.errors().get(0);
        assertEquals(line, problem.line(), () -> "line of " + problem);
        assertEquals(field, problem.field(), () -> "field of " + problem);
        assertTrue(problem.message().contains(messagePart),
                () -> "expected \"" + messagePart + "\" in: " + problem.message());
        return problem;
    }

    static void assertOk(ParseResult result) {
        assertTrue(result.ok(), () -> "expected no errors, got " + describe(result));
    }

    static String describe(ParseResult result) {
        return result.errors().stream().map(ImportProblem::toString).collect(Collectors.joining("\n"));
    }
}
