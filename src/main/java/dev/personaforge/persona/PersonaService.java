package dev.personaforge.persona;

import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.Problems;
import dev.personaforge.dataset.TrainingPair;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Creates, edits, duplicates and deletes personas; deleting one deletes its pairs with it. */
@ApplicationScoped
public class PersonaService {

    public static final int MAX_NAME = 80;
    public static final int MAX_DESCRIPTION = 2000;
    public static final int MAX_SYSTEM_PROMPT = 8000;
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    public List<PersonaSummary> list() {
        Map<Long, Long> counts = new HashMap<>();
        List<Object[]> rows = TrainingPair.getEntityManager()
                .createQuery("select p.personaId, count(p) from TrainingPair p group by p.personaId", Object[].class)
                .getResultList();
        for (Object[] row : rows) {
            counts.put((Long) row[0], (Long) row[1]);
        }
        List<Persona> personas = Persona.list("order by lower(name)");
        return personas.stream()
                .map(p -> new PersonaSummary(p.id, p.name, p.slug, p.description, p.baseModel, p.language,
                        counts.getOrDefault(p.id, 0L), p.updatedAt))
                .toList();
    }

    public Persona get(long id) {
        Persona persona = Persona.findById(id);
        if (persona == null) {
            throw NotFoundException.persona(id);
        }
        return persona;
    }

    public long pairCount(long id) {
        return TrainingPair.count("personaId", id);
    }

    @Transactional
    public Persona create(PersonaInput input) {
        Persona persona = new Persona();
        apply(persona, input, null);
        persona.slug = uniqueSlug(Slugs.of(persona.name), null);
        persona.createdAt = Instant.now();
        persona.updatedAt = persona.createdAt;
        persona.persist();
        return persona;
    }

    @Transactional
    public Persona update(long id, PersonaInput input) {
        Persona persona = get(id);
        String oldName = persona.name;
        apply(persona, input, id);
        if (!persona.name.equals(oldName)) {
            persona.slug = uniqueSlug(Slugs.of(persona.name), id);
        }
        persona.updatedAt = Instant.now();
        return persona;
    }

    /** Copies a persona and all its pairs under a new name such as "Name (copy)". */
    @Transactional
    public Persona duplicate(long id) {
        Persona source = get(id);
        Persona copy = new Persona();
        copy.name = copyName(source.name);
        copy.slug = uniqueSlug(Slugs.of(copy.name), null);
        copy.description = source.description;
        copy.systemPrompt = source.systemPrompt;
        copy.baseModel = source.baseModel;
        copy.language = source.language;
        copy.validationRatio = source.validationRatio;
        copy.splitSeed = source.splitSeed;
        copy.createdAt = Instant.now();
        copy.updatedAt = copy.createdAt;
        copy.persist();
        List<TrainingPair> pairs = TrainingPair.list("personaId = ?1 order by id", id);
        for (TrainingPair pair : pairs) {
            TrainingPair clone = new TrainingPair();
            clone.personaId = copy.id;
            clone.setTexts(pair.prompt, pair.completion);
            clone.tags = pair.tags;
            clone.split = pair.split;
            clone.createdAt = copy.createdAt;
            clone.updatedAt = copy.createdAt;
            clone.persist();
        }
        return copy;
    }

    /** Deletes a persona and its pairs in one transaction; returns how many pairs went with it. */
    @Transactional
    public long delete(long id) {
        Persona persona = get(id);
        long pairs = TrainingPair.delete("personaId", id);
        persona.delete();
        return pairs;
    }

    private void apply(Persona persona, PersonaInput input, Long selfId) {
        Problems problems = new Problems();
        String name = input.name() == null ? "" : input.name().strip();
        if (name.isEmpty()) {
            problems.add("name", "is required");
        } else if (name.length() > MAX_NAME) {
            problems.add("name", String.format("is %d characters, over the limit of %d", name.length(), MAX_NAME));
        } else if (name.codePoints().anyMatch(Character::isISOControl)) {
            problems.add("name", "must not contain control characters such as tabs or line breaks");
        } else if (nameTaken(name, selfId)) {
            problems.add("name", "\"" + name + "\" is already used by another persona");
        }
        problems.maxLength("description", input.description(), MAX_DESCRIPTION);
        problems.maxLength("systemPrompt", input.systemPrompt(), MAX_SYSTEM_PROMPT);
        String baseModel = input.baseModel() == null ? "" : input.baseModel().strip();
        String modelProblem = BaseModelReference.problem(baseModel);
        if (modelProblem != null) {
            problems.add("baseModel", modelProblem);
        }
        String language = input.language() == null || input.language().isBlank()
                ? PersonaInput.DEFAULT_LANGUAGE : input.language().strip();
        if (!LANGUAGE.matcher(language).matches() || language.length() > 35) {
            problems.add("language", "\"" + language + "\" is not a language code such as en, ko or pt-BR");
        }
        double ratio = input.validationRatio() == null ? PersonaInput.DEFAULT_VALIDATION_RATIO : input.validationRatio();
        if (!(ratio >= 0.0 && ratio <= 0.5)) {
            problems.add("validationRatio", "must be between 0 and 0.5 (0.1 means a 90/10 split), not " + ratio);
        }
        problems.throwIfAny();
        persona.name = name;
        persona.description = blankToNull(input.description());
        persona.systemPrompt = blankToNull(input.systemPrompt());
        persona.baseModel = baseModel;
        persona.language = language;
        persona.validationRatio = ratio;
        persona.splitSeed = input.splitSeed() == null ? PersonaInput.DEFAULT_SPLIT_SEED : input.splitSeed();
    }

    /** True when a persona already has this name, ignoring case. */
    public boolean nameExists(String name) {
        return nameTaken(name.strip(), null);
    }

    private static boolean nameTaken(String name, Long selfId) {
        String key = name.toLowerCase(Locale.ROOT);
        return selfId == null
                ? Persona.count("lower(name) = ?1", key) > 0
                : Persona.count("lower(name) = ?1 and id <> ?2", key, selfId) > 0;
    }

    private static String copyName(String name) {
        for (int i = 1; ; i++) {
            String suffix = i == 1 ? " (copy)" : " (copy " + i + ")";
            String base = name.length() + suffix.length() > MAX_NAME ? name.substring(0, MAX_NAME - suffix.length()) : name;
            String candidate = base + suffix;
            if (!nameTaken(candidate, null)) {
                return candidate;
            }
        }
    }

    private static String uniqueSlug(String base, Long selfId) {
        String candidate = base;
        for (int i = 2; ; i++) {
            long taken = selfId == null
                    ? Persona.count("slug", candidate)
                    : Persona.count("slug = ?1 and id <> ?2", candidate, selfId);
            if (taken == 0) {
                return candidate;
            }
            candidate = base + "-" + i;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
