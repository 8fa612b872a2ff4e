package dev.personaforge.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.personaforge.common.ConflictException;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.Problems;
import dev.personaforge.common.ValidationException;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * k-fold cross-validation of a persona's pairs: queues k ordinary runs (the folds) that the run queue trains one
 * after another, cancels them as one job, keeps one fold's model, or queues a retrain on all the pairs.
 */
@ApplicationScoped
public class CrossValidationService {

    public static final int MIN_K = 3;
    public static final int MAX_K = 10;
    /** The fewest pairs a fold validates on; fewer make a fold's validation loss mostly noise. */
    public static final int MIN_PAIRS_PER_FOLD = 3;

    @Inject
    PersonaService personas;

    @Inject
    RunService runs;

    @Inject
    RunQueue queue;

    @Inject
    ObjectMapper json;

    /**
     * Splits the persona's usable pairs (as a run would snapshot them) into k folds, shuffled with the run seed,
     * and queues one run per fold that validates on that fold and trains on the others. The persona's validation
     * ratio and pinned split markers play no part.
     */
    @Transactional
    public CrossValidation create(long personaId, Integer k, RunSettings requested) {
        Persona persona = personas.get(personaId);
        Problems problems = new Problems();
        if (k == null) {
            problems.add("k", "is required: the number of folds, between " + MIN_K + " and " + MAX_K);
        } else if (k < MIN_K || k > MAX_K) {
            problems.add("k", "must be between " + MIN_K + " and " + MAX_K + ", not " + k);
        }
        RunSettings settings = null;
        try {
            settings = (requested == null ? RunSettings.preset("balanced", persona.validationRatio) : requested)
                    .resolve(persona.validationRatio);
        } catch (ValidationException e) {
            e.problems().forEach(p -> problems.add(p.field(), p.message()));
        }
        problems.throwIfAny();
        List<RunService.Snapshot> pairs = runs.snapshot(persona, 0.0);
        int needed = Math.max(RunService.MIN_PAIRS, k * MIN_PAIRS_PER_FOLD);
        if (pairs.size() < needed) {
            throw ValidationException.of("pairs", "cross-validation with k = " + k + " needs at least " + needed
                    + " pairs with text on both sides (" + MIN_PAIRS_PER_FOLD + " per fold and " + RunService.MIN_PAIRS
                    + " in all); this persona has " + pairs.size());
        }
        runs.requireInstalled(persona.baseModel);
        runs.checkAgainstBaseModel(persona.baseModel, settings);

        CrossValidation cv = new CrossValidation();
        cv.personaId = personaId;
        cv.k = k;
        cv.settings = write(settings);
        cv.pairCount = pairs.size();
        cv.createdAt = Instant.now();
        cv.persist();
        RunSettings foldSettings = withValidationRatio(settings, 1.0 / k);
        List<List<Integer>> folds = FoldSplitter.split(pairs.size(), k, settings.seed());
        for (int f = 0; f < k; f++) {
            Set<Integer> held = new HashSet<>(folds.get(f));
            List<RunService.Snapshot> snapshot = new ArrayList<>(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                RunService.Snapshot p = pairs.get(i);
                snapshot.add(new RunService.Snapshot(p.prompt(), p.completion(), held.contains(i)));
            }
            runs.enqueue(personaId, persona.baseModel, persona.systemPrompt, foldSettings, snapshot, cv.id, f);
        }
        queue.wake();
        return cv;
    }

    public CrossValidation get(long id) {
        CrossValidation cv = CrossValidation.findById(id);
        if (cv == null) {
            throw new NotFoundException("Cross-validation " + id + " does not exist.");
        }
        return cv;
    }

    /** A persona's cross-validations, newest first. */
    public List<CrossValidation> list(long personaId) {
        personas.get(personaId);
        return CrossValidation.list("personaId = ?1 order by id desc", personaId);
    }

    /** The fold runs, fold 0 first. */
    public List<TrainingRun> folds(long id) {
        return TrainingRun.list("crossValidationId = ?1 order by foldIndex", id);
    }

    public RunSettings settings(CrossValidation cv) {
        try {
            return json.readValue(cv.settings, RunSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cross-validation " + cv.id + " has unreadable settings", e);
        }
    }

    public CrossValidationView view(CrossValidation cv) {
        List<TrainingRun> runsOfFolds = folds(cv.id);
        List<CrossValidationView.Fold> folds = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> baseLosses = new ArrayList<>();
        for (TrainingRun run : runsOfFolds) {
            RunView v = runs.view(run);
            Double base = v.outcome() == null ? null : v.outcome().baseLoss();
            Double tuned = v.outcome() == null ? null : v.outcome().tunedLoss();
            if (run.status == RunStatus.SUCCEEDED && tuned != null) {
                losses.add(tuned);
                if (base != null) {
                    baseLosses.add(base);
                }
            }
            folds.add(new CrossValidationView.Fold(run.foldIndex, run.id, run.status.name(), v.queuePosition(),
                    run.step, run.totalSteps, run.trainCount, run.validationCount, base, tuned,
                    run.id.equals(cv.keptRunId), modelOnDisk(run)));
        }
        return new CrossValidationView(cv.id, cv.personaId, cv.k, status(runsOfFolds), settings(cv), cv.pairCount,
                List.copyOf(folds), losses.size(), mean(losses), sampleStd(losses), mean(baseLosses), cv.keptRunId,
                cv.retrainRunId, cv.createdAt);
    }

    /**
     * Cancels every fold as one job: queued folds at once, the running one after its current step. Later folds
     * go first, so the queue cannot start one of them while the running fold stops.
     */
    @Transactional
    public void cancel(long id) {
        get(id);
        List<TrainingRun> folds = folds(id);
        for (int i = folds.size() - 1; i >= 0; i--) {
            if (!folds.get(i).status.finished()) {
                runs.cancel(folds.get(i).id);
            }
        }
    }

    /**
     * Keeps one succeeded fold's model and deletes the other folds' saved weights (their metrics, logs and
     * evaluations stay), so the chat offers the kept fold alone. Only once every fold has finished.
     */
    @Transactional
    public void keep(long id, long runId) {
        CrossValidation cv = get(id);
        List<TrainingRun> folds = folds(id);
        TrainingRun chosen = folds.stream().filter(r -> r.id == runId).findFirst()
                .orElseThrow(() -> new NotFoundException("Run " + runId + " is not a fold of cross-validation " + id + "."));
        if (cv.keptRunId != null) {
            if (cv.keptRunId == runId) {
                return;
            }
            throw new ConflictException("Cross-validation " + id + " already keeps run #" + cv.keptRunId
                    + "; the other folds' models were deleted then.");
        }
        if (folds.stream().anyMatch(r -> !r.status.finished())) {
            throw new ConflictException("Cross-validation " + id + " is still running; keep a fold once every fold "
                    + "has finished, or cancel it first.");
        }
        if (chosen.status != RunStatus.SUCCEEDED) {
            throw new ConflictException("Fold " + (chosen.foldIndex + 1) + " (run #" + runId + ") is "
                    + chosen.status.label().toLowerCase() + "; only a fold that succeeded can be kept.");
        }
        cv.keptRunId = runId;
        for (TrainingRun other : folds) {
            if (other.id != runId && modelOnDisk(other)) {
                deleteModel(other);
                runs.note(other.id, "Model deleted: cross-validation #" + id + " keeps fold " + (chosen.foldIndex + 1)
                        + " (run #" + runId + "). Metrics and evaluation stay.");
            }
        }
        runs.note(runId, "Kept as the model of cross-validation #" + id + ".");
    }

    /**
     * Queues one ordinary run with the cross-validation's settings on all of its pairs, every pair training (no
     * validation split, so no early stopping; the run trains its full epochs).
     */
    @Transactional
    public TrainingRun retrain(long id) {
        CrossValidation cv = get(id);
        if (cv.retrainRunId != null) {
            throw new ConflictException("Cross-validation " + id + " was already retrained as run #" + cv.retrainRunId
                    + "; restart that run to train it again.");
        }
        TrainingRun first = folds(id).get(0);
        runs.requireInstalled(first.baseModel);
        List<RunService.Snapshot> all = runs.snapshotPairs(first.id).stream()
                .map(p -> new RunService.Snapshot(p.prompt, p.completion, false)).toList();
        TrainingRun run = runs.enqueue(cv.personaId, first.baseModel, first.systemPrompt,
                withValidationRatio(settings(cv), 0.0), all, null, null);
        runs.note(run.id, "Retrains cross-validation #" + id + " on all " + all.size() + " of its pairs.");
        cv.retrainRunId = run.id;
        queue.wake();
        return run;
    }

    /** QUEUED before any fold starts, RUNNING while any waits or trains, then SUCCEEDED, FAILED or CANCELLED. */
    static String status(List<TrainingRun> folds) {
        if (folds.stream().allMatch(r -> r.status == RunStatus.QUEUED)) {
            return RunStatus.QUEUED.name();
        }
        if (folds.stream().anyMatch(r -> !r.status.finished())) {
            return RunStatus.RUNNING.name();
        }
        for (RunStatus s : List.of(RunStatus.FAILED, RunStatus.INTERRUPTED, RunStatus.CANCELLED)) {
            if (folds.stream().anyMatch(r -> r.status == s)) {
                return s.name();
            }
        }
        return RunStatus.SUCCEEDED.name();
    }

    static Double mean(List<Double> values) {
        return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** The sample standard deviation (Bessel's n − 1), or null for fewer than two values. */
    static Double sampleStd(List<Double> values) {
        if (values.size() < 2) {
            return null;
        }
        double mean = mean(values);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.size() - 1));
    }

    private static boolean modelOnDisk(TrainingRun run) {
        return run.outputDir != null && (Files.isDirectory(Path.of(run.outputDir, "adapter"))
                || Files.isDirectory(Path.of(run.outputDir, "model"))
                || Files.isDirectory(Path.of(run.outputDir, RunExecutor.PARTIAL_DIR)));
    }

    private static void deleteModel(TrainingRun run) {
        for (String part : List.of("adapter", "model", RunExecutor.PARTIAL_DIR)) {
            Path dir = Path.of(run.outputDir, part);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try {
                dev.personaforge.common.Folders.deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the model of run " + run.id + " in " + dir, e);
            }
        }
    }

    private RunSettings withValidationRatio(RunSettings settings, double ratio) {
        ObjectNode node = json.valueToTree(settings);
        node.put("validationRatio", ratio);
        try {
            return json.treeToValue(node, RunSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
