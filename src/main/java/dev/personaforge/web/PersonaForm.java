package dev.personaforge.web;

import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaInput;
import org.jboss.resteasy.reactive.RestForm;

/** The persona form's fields as posted by the browser, kept as typed so a rejected form is shown again intact. */
public class PersonaForm {

    @RestForm
    public String name;
    @RestForm
    public String description;
    @RestForm
    public String systemPrompt;
    @RestForm
    public String baseModel;
    @RestForm
    public String language;
    @RestForm
    public String validationRatio;
    @RestForm
    public String splitSeed;

    static PersonaForm empty() {
        PersonaForm form = new PersonaForm();
        form.baseModel = PersonaInput.DEFAULT_BASE_MODEL;
        form.language = PersonaInput.DEFAULT_LANGUAGE;
        return form;
    }

    static PersonaForm of(Persona p) {
        PersonaForm form = new PersonaForm();
        form.name = p.name;
        form.description = p.description;
        form.systemPrompt = p.systemPrompt;
        form.baseModel = p.baseModel;
        form.language = p.language;
        form.validationRatio = Double.toString(p.validationRatio);
        form.splitSeed = Long.toString(p.splitSeed);
        return form;
    }

    PersonaInput toInput() {
        return new PersonaInput(name, description, systemPrompt, baseModel, language,
                FormNumbers.parseDouble("validationRatio", validationRatio),
                FormNumbers.parseLong("splitSeed", splitSeed));
    }
}
