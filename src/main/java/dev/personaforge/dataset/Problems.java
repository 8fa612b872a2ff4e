package dev.personaforge.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the errors and warnings of one parse, listing only the first ones but counting all.
 */
final class Problems {

    private final int maxListed;
    private final List<ImportProblem> errors = new ArrayList<>();
    private final List<ImportProblem> warnings = new ArrayList<>();
    private int errorCount;
    private int warningCount;

    Problems(int maxListed) {
        this.maxListed = maxListed;
    }

    void error(int line, String field, String message) {
        errorCount++;
        if (errors.size() < maxListed) {
            errors.add(new ImportProblem(line, field, message));
        }
    }

    void warning(int line, String field, String message) {
        warningCount++;
        if (warnings.size() < maxListed) {
            warnings.add(new ImportProblem(line, field, message));
        }
    }

    int errorCount() {
        return errorCount;
    }

    List<ImportProblem> errors() {
        return errors;
    }

    /** The warnings listed, plus a closing note when some were left out, since warnings have no total count. */
    List<ImportProblem> warnings() {
        if (warningCount <= warnings.size()) {
            return warnings;
        }
        List<ImportProblem> all = new ArrayList<>(warnings);
        int more = warningCount - warnings.size();
        all.add(new ImportProblem(0, null, Text.plural(more, "more warning", "more warnings")
                + " like these " + (more == 1 ? "was" : "were") + " not listed."));
        return all;
    }
}
