package dev.personaforge.openai;

import dev.personaforge.basemodel.BaseModelLookup;
import dev.personaforge.basemodel.ModelCatalog;
import dev.personaforge.chat.TunedModel;
import dev.personaforge.chat.TunedModelSource;
import dev.personaforge.persona.Persona;
import dev.personaforge.run.RunStatus;
import dev.personaforge.run.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns OpenAI model ids into models this server has: {@code <persona slug>} is the persona's latest successful
 * run, {@code <slug>@<run id>} one run of it, and {@code base:<model>} a base model on this machine (a Hugging Face
 * id or a local directory, as personas reference base models).
 */
@ApplicationScoped
public class ModelResolver {

    static final String BASE_PREFIX = "base:";
    static final String OWNER = "persona-forge";

    @Inject
    BaseModelLookup lookup;

    @Inject
    TunedModelSource tunedModels;

    /** The model an id names; a 404 {@code model_not_found} saying why when there is none. */
    public ModelTarget resolve(String id) {
        if (id.startsWith(BASE_PREFIX)) {
            String ref = id.substring(BASE_PREFIX.length()).strip();
            Path dir = lookup.directory(ref).orElseThrow(() -> OpenAiException.modelNotFound(id,
                    "the base model " + ref + " is not on this machine (download it on the Models page)."));
            return base(id, ref, dir);
        }
        int at = id.lastIndexOf('@');
        String slug = at < 0 ? id : id.substring(0, at);
        Persona persona = Persona.<Persona>find("slug", slug).firstResultOptional().orElseThrow(() ->
                OpenAiException.modelNotFound(id, "no persona has the slug '" + slug + "'. Ids are a persona's slug, "
                        + "<slug>@<run id> or base:<model>; GET /v1/models lists them."));
        if (at >= 0) {
            String runPart = id.substring(at + 1);
            long runId;
            try {
                runId = Long.parseLong(runPart);
            } catch (NumberFormatException e) {
                throw OpenAiException.modelNotFound(id, "'" + runPart + "' is not a run id (a number).");
            }
            TrainingRun run = TrainingRun.findById(runId);
            if (run == null || !run.personaId.equals(persona.id)) {
                throw OpenAiException.modelNotFound(id, "persona " + slug + " has no run " + runId + ".");
            }
            if (run.status != RunStatus.SUCCEEDED) {
                throw OpenAiException.modelNotFound(id, "run " + runId + " is " + run.status.label().toLowerCase()
                        + ", not succeeded, so it has no tuned model.");
            }
            return tuned(id, persona, run).orElseThrow(() -> OpenAiException.modelNotFound(id,
                    "the files of run " + runId + " are missing from the data folder."));
        }
        for (TrainingRun run : successfulRuns(persona.id)) {
            Optional<ModelTarget> target = tuned(id, persona, run);
            if (target.isPresent()) {
                return target.get();
            }
        }
        throw OpenAiException.modelNotFound(id, "persona " + slug + " has no successful fine-tuning run yet; "
                + "train one, or use its base model as " + BASE_PREFIX + persona.baseModel + ".");
    }

    /**
     * Every model id the server answers to: each persona with a successful run (its latest), each such run,
     * then each base model on this machine that is offered, downloaded or used by a persona (a persona whose base
     * model directory has gone is skipped, not an error).
     */
    public List<ModelTarget> list() {
        List<ModelTarget> models = new ArrayList<>();
        Map<Long, Persona> personas = new HashMap<>();
        Persona.<Persona>listAll().forEach(p -> personas.put(p.id, p));
        Set<Long> withLatest = new HashSet<>();
        List<TrainingRun> runs = TrainingRun.list("status = ?1 order by personaId, id desc", RunStatus.SUCCEEDED);
        for (TrainingRun run : runs) {
            Persona persona = personas.get(run.personaId);
            if (persona == null) {
                continue;
            }
            if (withLatest.add(persona.id)) {
                tuned(persona.slug, persona, run).ifPresentOrElse(models::add, () -> withLatest.remove(persona.id));
            }
            tuned(persona.slug + "@" + run.id, persona, run).ifPresent(models::add);
        }
        Set<String> bases = new LinkedHashSet<>(ModelCatalog.OFFERED);
        bases.addAll(lookup.downloadedIds());
        personas.values().stream().sorted(Comparator.comparing(p -> p.id)).forEach(p -> bases.add(p.baseModel.strip()));
        for (String ref : bases) {
            lookup.directory(ref).ifPresent(dir -> models.add(base(BASE_PREFIX + ref, ref, dir)));
        }
        return models;
    }
    private List<TrainingRun> successfulRuns(long personaId) {
        return TrainingRun.list("personaId = ?1 and status = ?2 order by id desc", personaId, RunStatus.SUCCEEDED);
    }

    private Optional<ModelTarget> tuned(String id, Persona persona, TrainingRun run) {
        Optional<TunedModel> files = tunedModels.find(persona.id, run.id);
        long created = run.finishedAt != null ? run.finishedAt.getEpochSecond() : run.createdAt.getEpochSecond();
        return files.map(t -> new ModelTarget(id, t.baseModel(), t.adapterDir(), t.modelDir(), run.systemPrompt,
                created, persona.slug, t.partialDir()));
    }

    private static ModelTarget base(String id, String ref, Path dir) {
        long created;
        try {
            created = Files.getLastModifiedTime(dir.resolve("config.json")).toMillis() / 1000;
        } catch (IOException e) {
            created = 0;
        }
        return new ModelTarget(id, ref, null, null, null, created, OWNER);
    }
}
