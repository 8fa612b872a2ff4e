package dev.personaforge.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.basemodel.ModelNotInstalledException;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.dataset.DatasetSplitter;
import dev.personaforge.dataset.PairHash;
import dev.personaforge.dataset.PairService;
import dev.personaforge.dataset.PairSplit;
import dev.personaforge.dataset.SplitInput;
import dev.personaforge.dataset.TrainingPair;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates fine-tuning runs from a persona's current pairs, lists them, cancels and restarts them. */
@ApplicationScoped
public class RunService {

    /** The fewest usable pairs a run trains on. */
    public static final int MIN_PAIRS = 10;

    @Inject
    PersonaService personas;

    @Inject
    PairService pairs;

    @Inject
    ObjectMapper json;

    @Inject
    RunEvents events;

    @Inject
    RunQueue queue;

    @Inject
    BaseModelRegistry models;

    /**
     * Queues a run on a snapshot of the persona's usable pairs (text on both sides, duplicates once) split by the
     * run's validation ratio and the persona's seed, pinned pairs staying where they are pinned.
     */
    @Transactional
    public TrainingRun create(long personaId, RunSettings requested) {
        Persona persona = personas.get(personaId);
        RunSettings settings = (requested == null ? new RunSettings(null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null) : requested).resolve(persona.validationRatio);
        List<Snapshot> snapshot = snapshot(persona, settings.validationRatio());
        if (snapshot.size() < MIN_PAIRS) {
            throw ValidationException.of("pairs", "training needs at least " + MIN_PAIRS
                    + " pairs with text on both sides; this persona has " + snapshot.size());
        }
        requireInstalled(persona.baseModel);
        checkAgainstBaseModel(persona.baseModel, settings);
        TrainingRun run = enqueue(personaId, persona.baseModel, persona.systemPrompt, settings, snapshot, null, null);
        queue.wake();
        return run;
    }

    /** Refuses a run up front when its base model is not on this machine. */
    void requireInstalled(String baseModel) {
        if (models.directory(baseModel).isEmpty()) {
            throw ValidationException.of("baseModel", new ModelNotInstalledException(baseModel).getMessage());
        }
    }

    /** Refuses settings that do not fit the base model (more top layers than it has), naming the field. */
    void checkAgainstBaseModel(String baseModel, RunSettings settings) {
        LlamaConfig baseConfig = baseConfig(baseModel);
        if (baseConfig != null) {
            settings.checkAgainst(baseConfig);
        }
    }

    /**
     * Stores a queued run on exactly this snapshot, as a fold of a cross-validation when {@code crossValidationId}
     * is set; the caller wakes the queue.
     */
    TrainingRun enqueue(long personaId, String baseModel, String systemPrompt, RunSettings settings,
                        List<Snapshot> snapshot, Long crossValidationId, Integer foldIndex) {
        long validation = snapshot.stream().filter(Snapshot::validation).count();
        TrainingRun run = new TrainingRun();
        run.personaId = personaId;
        run.status = RunStatus.QUEUED;
        run.baseModel = baseModel;
        run.settings = write(settings);
        run.systemPrompt = systemPrompt;
        run.datasetHash = datasetHash(systemPrompt, snapshot);
        run.crossValidationId = crossValidationId;
        run.foldIndex = foldIndex;
        run.trainCount = (int) (snapshot.size() - validation);
        run.validationCount = (int) validation;
        run.createdAt = Instant.now();
        run.persist();
        int ordinal = 0;
        for (Snapshot s : snapshot) {
            RunPair pair = new RunPair();
            pair.runId = run.id;
            pair.ordinal = ordinal++;
            pair.prompt = s.prompt;
            pair.completion = s.completion;
            pair.validation = s.validation;
            pair.persist();
        }
        appendLog(run.id, "Queued with " + run.trainCount + " training and " + run.validationCount + " validation pairs"
                + (foldIndex == null ? "." : " (fold " + (foldIndex + 1) + " of cross-validation #" + crossValidationId
                + ")."));
        return run;
    }

    /** A pair as a run will use it. */
    record Snapshot(String prompt, String completion, boolean validation) {
    }

    List<Snapshot> snapshot(Persona persona, double validationRatio) {
        List<TrainingPair> all = pairs.all(persona.id);
        Map<String, TrainingPair> unique = new LinkedHashMap<>();
        for (TrainingPair p : all) {
            if (!p.prompt.isBlank() && !p.completion.isBlank()) {
                unique.putIfAbsent(p.pairHash, p);
            }
        }
        List<SplitInput> inputs = unique.values().stream()
                .map(p -> new SplitInput(p.id, p.pairHash, p.split)).toList();
        Map<Long, PairSplit> splits = new DatasetSplitter().assign(inputs, validationRatio, persona.splitSeed);
        List<Snapshot> snapshot = new ArrayList<>();
        for (TrainingPair p : unique.values()) {
            snapshot.add(new Snapshot(p.prompt, p.completion, splits.get(p.id) == PairSplit.VALIDATION));
        }
        return snapshot;
    }

    public TrainingRun get(long runId) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            throw new NotFoundException("Run " + runId + " does not exist.");
        }
        return run;
    }

    public List<TrainingRun> list(long personaId) {
        personas.get(personaId);
        return TrainingRun.list("personaId = ?1 order by id desc", personaId);
    }

    /** 1 for the next run to start, 0 when the run is not waiting. */
    public long queuePosition(TrainingRun run) {
        if (run.status != RunStatus.QUEUED) {
            return 0;
        }
        return TrainingRun.count("status = ?1 and id <= ?2", RunStatus.QUEUED, run.id);
    }

    public List<RunMetric> metrics(long runId) {
        get(runId);
        return RunMetric.list("runId = ?1 order by step, id", runId);
    }

    public List<RunLog> logs(long runId) {
        get(runId);
        return RunLog.list("runId = ?1 order by id", runId);
    }

    public List<RunPair> snapshotPairs(long runId) {
        return RunPair.list("runId = ?1 order by ordinal", runId);
    }

    public RunSettings settings(TrainingRun run) {
        try {
            return json.readValue(run.settings, RunSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Run " + run.id + " has unreadable settings", e);
        }
    }

    /** The stored base-vs-tuned comparison of a succeeded run; 404 while there is none. */
    public RunEvaluation evaluation(TrainingRun run) throws IOException {
        if (run.outputDir == null || !Files.isRegularFile(java.nio.file.Path.of(run.outputDir, "evaluation.json"))) {
            throw new NotFoundException("Run " + run.id + " has no evaluation yet: it is " + run.status.label().toLowerCase()
                    + ".");
        }
        return json.readValue(java.nio.file.Path.of(run.outputDir, "evaluation.json").toFile(), RunEvaluation.class);
    }

    public RunView view(TrainingRun run) {
        RunOutcome outcome = null;
        if (run.finalMetrics != null) {
            try {
                outcome = json.readValue(run.finalMetrics, RunOutcome.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Run " + run.id + " has unreadable metrics", e);
            }
        }
        RunSettings settings = settings(run);
        LlamaConfig base = baseConfig(run.baseModel);
        Long trainable = null;
        if (outcome != null && outcome.trainableParameters() > 0) {
            trainable = outcome.trainableParameters();
        } else if (base != null) {
            try {
                trainable = settings.trainableParameters(base);
            } catch (IllegalArgumentException e) {
                trainable = null; // settings that do not fit this base model; the run fails saying why
            }
        }
        return new RunView(run.id, run.personaId, run.status.name(), queuePosition(run), run.baseModel,
                settings, run.datasetHash, run.trainCount, run.validationCount, run.step, run.totalSteps,
                run.epoch, run.lastLoss, outcome, run.error, run.createdAt, run.startedAt, run.finishedAt,
                run.importedFrom, run.crossValidationId, run.foldIndex, trainable,
                base == null ? null : base.parameterCount());
    }

    private record CachedConfig(java.nio.file.attribute.FileTime modified, LlamaConfig config) {
    }

    /** Configs read per file and kept while the file is unchanged, so run lists do not parse them again and again. */
    private final Map<java.nio.file.Path, CachedConfig> configs = new java.util.concurrent.ConcurrentHashMap<>();

    /** The base model's config when it is on this machine and readable, else null. */
    LlamaConfig baseConfig(String baseModel) {
        return models.directory(baseModel).map(dir -> {
            java.nio.file.Path file = dir.resolve("config.json");
            try {
                java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file);
                CachedConfig cached = configs.get(file);
                if (cached == null || !cached.modified().equals(modified)) {
                    cached = new CachedConfig(modified, LlamaConfig.load(file));
                    configs.put(file, cached);
                }
                return cached.config();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }).orElse(null);
    }

    /**
     * Cancels a queued run at once, or asks a running one to stop after its current step. Conditional updates
     * keep this right when the queue claims the run at the same moment.
     */
    @Transactional
    public TrainingRun cancel(long runId) {
        get(runId);
        int cancelled = TrainingRun.update("status = ?1, finishedAt = ?2, version = version + 1 where id = ?3 and status = ?4",
                RunStatus.CANCELLED, Instant.now(), runId, RunStatus.QUEUED);
        if (cancelled == 1) {
            appendLog(runId, "Cancelled before it started.");
            events.emit(runId, RunEvent.status(RunStatus.CANCELLED, "Cancelled before it started."));
        } else if (TrainingRun.update("cancelRequested = true where id = ?1 and status = ?2", runId,
                RunStatus.RUNNING) == 1) {
            queue.requestCancel(runId);
            appendLog(runId, "Cancel requested; stopping after the current step.");
        }
        TrainingRun.getEntityManager().clear();
        return get(runId);
    }

    /** Queues a finished, failed, cancelled or interrupted run again from step 0 with the same snapshot. */
    @Transactional
    public TrainingRun restart(long runId) {
        TrainingRun run = get(runId);
        if (run.importedFrom != null) {
            throw new dev.personaforge.common.ConflictException("Run #" + runId + " is an adapter imported from "
                    + run.importedFrom + "; it has no pairs to train on again.");
        }
        if (!run.status.finished()) {
            throw ValidationException.of("status", "run " + runId + " is " + run.status.label().toLowerCase()
                    + "; only a finished, failed, cancelled or interrupted run can be restarted");
        }
        RunMetric.delete("runId", runId);
        run.status = RunStatus.QUEUED;
        run.step = 0;
        run.epoch = 0;
        run.lastLoss = null;
        run.finalMetrics = null;
        run.error = null;
        run.cancelRequested = false;
        run.startedAt = null;
        run.finishedAt = null;
        run.claimedBy = null;
        appendLog(runId, "Restarted from step 0 with the same pairs and settings.");
        queue.wake();
        return run;
    }

    /**
     * Records an adapter made elsewhere as a succeeded run of the persona: its files move from {@code staged} into
     * the run's output folder, so the chat, the API and the exports use it like a run trained here.
     */
    @Transactional
    public TrainingRun createImported(long personaId, RunSettings settings, String systemPrompt, String contentHash,
                                      String importedFrom, java.nio.file.Path staged, java.nio.file.Path runsDir)
            throws IOException {
        Persona persona = personas.get(personaId);
        TrainingRun run = new TrainingRun();
        run.personaId = personaId;
        run.status = RunStatus.SUCCEEDED;
        run.baseModel = persona.baseModel;
        run.settings = write(settings);
        run.systemPrompt = systemPrompt;
        run.datasetHash = contentHash;
        run.importedFrom = importedFrom;
        run.createdAt = Instant.now();
        run.startedAt = run.createdAt;
        run.finishedAt = run.createdAt;
        run.persist();
        java.nio.file.Path out = runsDir.resolve(Long.toString(run.id)).toAbsolutePath();
        dev.personaforge.common.Folders.deleteTree(out);
        Files.createDirectories(out);
        java.nio.file.Path adapter = out.resolve("adapter");
        Files.move(staged, adapter, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        json.writeValue(adapter.resolve("run.json").toFile(), Map.of("personaId", personaId, "runId", run.id,
                "label", "Run #" + run.id + " · imported LoRA", "baseModel", run.baseModel, "fullModel", false));
        run.outputDir = out.toString();
        appendLog(run.id, "Imported the PEFT adapter " + importedFrom + " (rank " + settings.loraRank() + ", alpha "
                + settings.loraAlpha() + ", modules " + String.join(",", settings.targetModules()) + ").");
        return run;
    }

    /** Adds a line to the run's log in a transaction of its own (for the training thread). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void log(long runId, String message) {
        appendLog(runId, message);
    }

    private void appendLog(long runId, String message) {
        RunLog line = new RunLog();
        line.runId = runId;
        line.message = message.length() > 2000 ? message.substring(0, 1997) + "…" : message;
        line.createdAt = Instant.now();
        line.persist();
        events.emit(runId, RunEvent.log(line.message));
    }

    /** Adds a line to the run's log within the caller's transaction. */
    void note(long runId, String message) {
        appendLog(runId, message);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String datasetHash(String systemPrompt, List<Snapshot> snapshot) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((systemPrompt == null ? "" : systemPrompt).getBytes(StandardCharsets.UTF_8));
            for (Snapshot s : snapshot) {
                sha.update((byte) 0);
                sha.update(PairHash.of(s.prompt, s.completion).getBytes(StandardCharsets.US_ASCII));
                sha.update(s.validation ? (byte) 'v' : (byte) 't');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
