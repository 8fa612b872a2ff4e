package dev.personaforge.web;

import dev.personaforge.dataset.PairInput;
import dev.personaforge.dataset.PairView;
import org.jboss.resteasy.reactive.RestForm;

import java.util.List;

/** The pair form's fields as posted by the browser; tags are one comma-separated text. */
public class PairForm {

    @RestForm
    public String prompt;
    @RestForm
    public String completion;
    @RestForm
    public String tags;
    @RestForm
    public String split;

    static PairForm empty() {
        PairForm form = new PairForm();
        form.split = "auto";
        return form;
    }

    static PairForm of(PairView pair) {
        PairForm form = new PairForm();
        form.prompt = pair.prompt();
        form.completion = pair.completion();
        form.tags = String.join(", ", pair.tags());
        form.split = pair.split();
        return form;
    }

    PairInput toInput() {
        return new PairInput(prompt, completion, tags == null ? List.of() : List.of(tags), split);
    }
}
