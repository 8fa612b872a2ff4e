package dev.personaforge.dataset;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.Problems;
import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/** Adds, edits, lists, deletes and analyses the training pairs of a persona. */
@ApplicationScoped
public class PairService {

    @Inject
    PersonaService personas;

    @Inject
    ForgeConfig config;

    @Inject
    TokenizerLookup tokenizers;

    public PairPage page(long personaId, PairQuery query) {
        Persona persona = personas.get(personaId);
        int size = query.size() <= 0 ? config.dataset().pageSize() : Math.min(query.size(), PairQuery.MAX_PAGE_SIZE);
        int page = Math.max(0, query.page());
        StringBuilder where = new StringBuilder("select p.id from TrainingPair p where p.personaId = :persona");
        if (query.hasText()) {
            where.append(" and (lower(p.prompt) like :text escape '\\' or lower(p.completion) like :text escape '\\')");
        }
        if (query.hasTag()) {
            where.append(" and p.tags like :tag escape '\\'");
        }
        where.append(" order by p.id");
        var jpql = TrainingPair.getEntityManager().createQuery(where.toString(), Long.class)
                .setParameter("persona", personaId);
        if (query.hasText()) {
            jpql.setParameter("text", "%" + escapeLike(query.text().strip().toLowerCase(Locale.ROOT)) + "%");
        }
        if (query.hasTag()) {
            jpql.setParameter("tag", "%," + escapeLike(query.tag().strip()) + ",%");
        }
        List<Long> ids = jpql.getResultList();
        Map<Long, PairSplit> splits = effectiveSplits(persona);
        if (query.hasSplit()) {
            PairSplit wanted = parseSplit("split", query.split());
            if (wanted != PairSplit.AUTO) {
                ids = ids.stream().filter(id -> splits.get(id) == wanted).toList();
            }
        }
        int from = Math.min(ids.size(), page * size);
        List<Long> pageIds = ids.subList(from, Math.min(ids.size(), from + size));
        List<PairView> items = pageIds.isEmpty() ? List.of()
                : TrainingPair.<TrainingPair>list("id in ?1 order by id", pageIds).stream()
                        .map(p -> PairView.of(p, splits.get(p.id)))
                        .toList();
        return new PairPage(items, ids.size(), page, size);
    }

    public PairView get(long personaId, long pairId) {
        Persona persona = personas.get(personaId);
        TrainingPair pair = find(personaId, pairId);
        return PairView.of(pair, effectiveSplits(persona).get(pair.id));
    }

    @Transactional
    public PairView add(long personaId, PairInput input) {
        Persona persona = personas.get(personaId);
        TrainingPair pair = new TrainingPair();
        pair.personaId = personaId;
        apply(pair, input);
        pair.createdAt = Instant.now();
        pair.updatedAt = pair.createdAt;
        pair.persist();
        persona.updatedAt = pair.createdAt;
        return PairView.of(pair, effectiveSplits(persona).get(pair.id));
    }

    @Transactional
    public PairView update(long personaId, long pairId, PairInput input) {
        Persona persona = personas.get(personaId);
        TrainingPair pair = find(personaId, pairId);
        apply(pair, input);
        pair.updatedAt = Instant.now();
        persona.updatedAt = pair.updatedAt;
        TrainingPair.flush();
        return PairView.of(pair, effectiveSplits(persona).get(pair.id));
    }

    @Transactional
    public void delete(long personaId, long pairId) {
        personas.get(personaId);
        find(personaId, pairId).delete();
    }

    /** Deletes the listed pairs of this persona; ids of other personas' pairs are ignored. */
    @Transactional
    public long deleteAll(long personaId, Collection<Long> ids) {
        personas.get(personaId);
        if (ids == null || ids.isEmpty()) {
            throw ValidationException.of("ids", "select at least one pair to delete");
        }
        return TrainingPair.delete("personaId = ?1 and id in ?2", personaId, new ArrayList<>(ids));
    }

    /** Where each pair of the persona goes for training, from its pin or the persona's seed and ratio. */
    public Map<Long, PairSplit> effectiveSplits(Persona persona) {
        List<Object[]> rows = TrainingPair.getEntityManager()
                .createQuery("select p.id, p.pairHash, p.split from TrainingPair p where p.personaId = :persona",
                        Object[].class)
                .setParameter("persona", persona.id)
                .getResultList();
        List<SplitInput> inputs = rows.stream()
                .map(r -> new SplitInput((Long) r[0], (String) r[1], (PairSplit) r[2]))
                .toList();
        return new DatasetSplitter().assign(inputs, persona.validationRatio, persona.splitSeed);
    }

    /** Counts, length statistics (tokens when the base model's tokenizer is at hand) and warnings. */
    public DatasetReport analyze(long personaId) {
        Persona persona = personas.get(personaId);
        Map<Long, PairSplit> splits = effectiveSplits(persona);
        List<TrainingPair> pairs = TrainingPair.list("personaId = ?1 order by id", personaId);
        List<AnalyzedPair> analyzed = pairs.stream()
                .map(p -> new AnalyzedPair(p.id, p.prompt, p.completion, splits.get(p.id)))
                .toList();
        Thresholds thresholds = new Thresholds(10, 50,
                config.dataset().longPairChars(), config.dataset().longPairTokens());
        ToIntFunction<String> counter = tokenizers.counterFor(persona.baseModel).orElse(null);
        return new DatasetAnalyzer().analyze(analyzed, thresholds, counter);
    }

    /** All pairs of a persona in insertion order, for export and training snapshots. */
    public List<TrainingPair> all(long personaId) {
        personas.get(personaId);
        return TrainingPair.list("personaId = ?1 order by id", personaId);
    }

    /** Hashes of the pairs a persona already has, to reject duplicates on import. */
    public java.util.Set<String> hashes(long personaId) {
        return TrainingPair.getEntityManager()
                .createQuery("select p.pairHash from TrainingPair p where p.personaId = :persona", String.class)
                .setParameter("persona", personaId)
                .getResultStream()
                .collect(Collectors.toSet());
    }

    /** Tags used by a persona's pairs, for the filter menu. */
    public List<String> tags(long personaId) {
        List<String> rows = TrainingPair.getEntityManager()
                .createQuery("select distinct p.tags from TrainingPair p where p.personaId = :persona and p.tags <> ''",
                        String.class)
                .setParameter("persona", personaId)
                .getResultList();
        return rows.stream()
                .flatMap(t -> java.util.Arrays.stream(t.split(",")))
                .filter(t -> !t.isEmpty())
                .distinct()
                .sorted()
                .toList();
    }

    private TrainingPair find(long personaId, long pairId) {
        TrainingPair pair = TrainingPair.findById(pairId);
        if (pair == null || !pair.personaId.equals(personaId)) {
            throw NotFoundException.pair(personaId, pairId);
        }
        return pair;
    }

    private void apply(TrainingPair pair, PairInput input) {
        Problems problems = new Problems();
        int max = config.dataset().maxFieldChars();
        String prompt = normalize(input.prompt());
        String completion = normalize(input.completion());
        problems.maxLength("prompt", prompt, max);
        problems.maxLength("completion", completion, max);
        List<String> tags = cleanTags(input.tags(), problems);
        PairSplit split = PairSplit.AUTO;
        if (input.split() != null && !input.split().isBlank()) {
            try {
                split = PairSplit.parse(input.split());
            } catch (IllegalArgumentException e) {
                problems.add("split", e.getMessage());
            }
        }
        problems.throwIfAny();
        pair.setTexts(prompt, completion);
        pair.setTags(tags);
        pair.split = split;
    }

    /** Each entry may itself be a comma-separated list, as typed in a form field. */
    private static List<String> cleanTags(List<String> raw, Problems problems) {
        if (raw == null) {
            return List.of();
        }
        try {
            return PairTags.parse(String.join(",", raw.stream().filter(java.util.Objects::nonNull).toList()));
        } catch (IllegalArgumentException e) {
            problems.add("tags", e.getMessage());
            return List.of();
        }
    }

    private static PairSplit parseSplit(String field, String value) {
        try {
            return PairSplit.parse(value);
        } catch (IllegalArgumentException e) {
            throw ValidationException.of(field, e.getMessage());
        }
    }

    private static String normalize(String text) {
        return text == null ? "" : text.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

}
