package dev.personaforge.dataset;

import java.util.List;

/**
 * The outcome of parsing one import file: the pairs read and every problem found.
 *
 * <p>A file with errors must import nothing; {@link #pairs()} is still filled so a check-only preview can
 * show what would have been imported.
 *
 * @param format     the detected format, or null when no record shape could be recognized
 * @param pairs      the pairs that passed validation, in file order
 * @param errors     the first errors, at most {@link DatasetLimits#maxErrorsListed()}
 * @param errorCount how many errors there were in all
 * @param warnings   problems that don't block the import
 */
public record ParseResult(DatasetFormat format, List<ImportedPair> pairs, List<ImportProblem> errors,
                          int errorCount, List<ImportProblem> warnings) {

    public ParseResult {
        pairs = List.copyOf(pairs);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (errorCount < errors.size()) {
            throw new IllegalArgumentException("errorCount " + errorCount + " is below the " + errors.size()
                    + " errors listed");
        }
    }

    /** True when the file had no errors and may be imported. */
    public boolean ok() {
        return errorCount == 0;
    }
}
