package dev.personaforge.dataset;

import java.util.List;

/**
 * The outcome of importing (or only checking) a file: its detected format, what was or would be added,
 * and every problem with its line. A file with errors imports nothing.
 */
public record ImportReport(String fileName, String format, boolean checkOnly, int pairsInFile, int imported,
                           int errorCount, List<ImportProblem> errors, List<ImportProblem> warnings) {

    public boolean ok() {
        return errorCount == 0;
    }

    /** True when the listed errors are fewer than all errors found. */
    public boolean errorsTruncated() {
        return errors.size() < errorCount;
    }
}
