package dev.personaforge.run;

import java.util.List;

/** Side-by-side greedy outputs of the base and the tuned model on the validation prompts of a run. */
public record RunEvaluation(RunOutcome outcome, List<Row> rows) {

    /** One validation prompt with the completion the persona should give and what each model gave. */
    public record Row(String prompt, String expected, String base, String tuned) {
    }
}
