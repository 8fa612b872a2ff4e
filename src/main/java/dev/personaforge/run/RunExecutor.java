package dev.personaforge.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.model.ChatMessage;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.PartialTuning;
import dev.personaforge.model.PartialWeights;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.training.InsufficientMemoryException;
import dev.personaforge.training.ProgressListener;
import dev.personaforge.training.Trainer;
import dev.personaforge.training.TrainingConfig;
import dev.personaforge.training.TrainingDivergedException;
import dev.personaforge.training.TrainingExample;
import dev.personaforge.training.TrainingProgress;
import dev.personaforge.training.TrainingResult;
import dev.personaforge.training.ValidationMetrics;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Trains one claimed run: loads the base model, trains on the run's snapshot with live progress, saves the
 * adapter (PEFT), the full model (Hugging Face directory) or, for a partial method, only the changed tensors
 * ({@code partial/}, see {@link PartialWeights}), and compares base and tuned outputs on validation.
 */
@ApplicationScoped
public class RunExecutor {

    /** How many validation prompts the finished run shows base and tuned outputs for. */
    static final int EVALUATION_ROWS = 20;
    static final int EVALUATION_MAX_TOKENS = 96;
    /** Where a partial run's changed tensors go, under {@code data/runs/<id>/}. */
    public static final String PARTIAL_DIR = "partial";

    private static final ObjectMapper FILES = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    RunService runs;

    @Inject
    RunEvents events;

    @Inject
    BaseModelRegistry models;

    @Inject
    ForgeConfig config;

    /** Runs the claimed run to its end: succeeded, failed (with a reason in words) or cancelled. */
    public void execute(long runId, BooleanSupplier cancelled) {
        TrainingRun run = QuarkusTransaction.requiringNew().call(() -> runs.get(runId));
        RunSettings settings = runs.settings(run);
        events.emit(runId, RunEvent.status(RunStatus.RUNNING, "Loading the base model " + run.baseModel + "…"));
        runs.log(runId, "Started. Loading the base model " + run.baseModel + ".");
        try (BaseModelRegistry.Lease lease = models.lease(run.baseModel).join()) {
            train(run, settings, lease.model(), cancelled);
        } catch (CompletionException e) {
            fail(runId, "The base model could not be loaded: " + rootMessage(e));
        } catch (InsufficientMemoryException e) {
            fail(runId, "Not started: " + e.getMessage());
        } catch (TrainingDivergedException e) {
            fail(runId, e.getMessage());
        } catch (RuntimeException | IOException e) {
            Log.errorf(e, "Run %d failed", runId);
            fail(runId, "Training failed: " + rootMessage(e));
        }
    }

    private void train(TrainingRun run, RunSettings settings, LanguageModel lm, BooleanSupplier cancelled)
            throws IOException {
        long runId = run.id;
        List<RunPair> pairs = QuarkusTransaction.requiringNew().call(() -> runs.snapshotPairs(runId));
        List<TrainingExample> train = new ArrayList<>();
        List<TrainingExample> validation = new ArrayList<>();
        for (RunPair p : pairs) {
            (p.validation ? validation : train).add(new TrainingExample(run.systemPrompt, p.prompt, p.completion));
        }
        int context = lm.config().maxPositionEmbeddings();
        if (settings.maxLength() > context) {
            throw new IllegalArgumentException("maxLength " + settings.maxLength() + " is longer than the context of "
                    + run.baseModel + " (" + context + " tokens); use at most " + context);
        }
        TrainingConfig tc = trainingConfig(settings);
        runs.log(runId, "Training " + whatTrains(settings, lm) + " on " + train.size() + " pairs for "
                + settings.epochs() + " epochs.");
        try (TrainingResult result = new Trainer(lm).train(tc, train, validation,
                new ProgressListener() {
                    @Override
                    public void onProgress(TrainingProgress progress) {
                        RunExecutor.this.onProgress(runId, progress);
                    }

                    @Override
                    public void onSkippedStep(int step, String reason) {
                        runs.log(runId, "Step " + step + " skipped, weights left unchanged: " + reason + ".");
                    }
                }, cancelled)) {
            if (result.cancelled()) {
                finish(runId, RunStatus.CANCELLED, null, null, "Cancelled at step " + result.steps() + ".");
                return;
            }
            if (result.truncatedExamples() > 0 || result.droppedExamples() > 0) {
                runs.log(runId, result.truncatedExamples() + " pairs were cut to " + settings.maxLength()
                        + " tokens; " + result.droppedExamples() + " were left out because the prompt alone filled it.");
            }
            Path out = config.runsDir().resolve(Long.toString(runId)).toAbsolutePath();
            // A restarted run (or a run id reused after the database was reset) must not keep an earlier
            // attempt's adapter, model or merged export next to the new one.
            dev.personaforge.common.Folders.deleteTree(out);
            Path saved = save(run, lm, result, out);
            RunOutcome outcome = outcome(result, lm.config());
            runs.log(runId, "Saved to " + saved + ". Comparing base and tuned outputs on validation prompts.");
            if (result.model() != null && models.halfPrecisionInference()) {
                // The chat will serve these weights with F16 copies, as it serves the base: greedy answers in
                // the evaluation must be the ones a person then gets in the chat.
                result.model().setHalfPrecisionInference(true);
            }
            RunEvaluation evaluation = new RunEvaluation(outcome, evaluate(run, lm, result, pairs,
                    message -> runs.log(runId, message)));
            FILES.writeValue(out.resolve("evaluation.json").toFile(), evaluation);
            finish(runId, RunStatus.SUCCEEDED, outcome, out.toString(), "Finished after " + result.steps() + " steps"
                    + (result.stoppedEarly() ? " (stopped early: validation loss stopped improving)." : "."));
        }
    }

    /** The trained weights in words, for the run log. */
    private static String whatTrains(RunSettings s, LanguageModel lm) {
        PartialTuning partial = s.partialTuning();
        if (partial == null) {
            return s.fullFineTune() ? "all weights" : "a LoRA adapter (rank " + s.loraRank() + ")";
        }
        boolean tied = lm.config().tieWordEmbeddings();
        if (partial.method() == PartialTuning.Method.FEATURE_EXTRACTION) {
            return "only the output head" + (tied ? " (a copy of the tied embeddings; the embeddings stay frozen)" : "");
        }
        return "the top " + partial.topLayers() + " of " + lm.config().numHiddenLayers() + " layers and the final norm"
                + (tied ? "" : " and the output head") + " (embeddings and lower layers frozen)";
    }

    static TrainingConfig trainingConfig(RunSettings s) {
        return TrainingConfig.defaults()
                .withLora(s.loraRank(), s.loraAlpha(), s.loraDropout(), s.targetModules())
                .withFullFineTune(s.fullFineTune())
                .withPartial(s.partialTuning())
                .withOptimizer(s.learningRate(), s.weightDecay(), s.warmupSteps(), TrainingConfig.Schedule.COSINE, 1.0)
                .withBatching(s.batchSize(), s.gradientAccumulation(), s.maxLength())
                .withDuration(s.epochs(), 0)
                .withValidation(s.evalEvery(), s.patience())
                .withSeed(s.seed());
    }

    private void onProgress(long runId, TrainingProgress p) {
        RunMetric metric = new RunMetric();
        metric.runId = runId;
        metric.step = p.step();
        metric.epoch = p.epoch();
        metric.trainLoss = p.step() == 0 ? null : p.loss();
        metric.learningRate = p.learningRate();
        metric.gradNorm = p.gradNorm();
        metric.tokensPerSecond = p.tokensPerSecond();
        ValidationMetrics v = p.validation();
        if (v != null) {
            metric.valLoss = v.loss();
            metric.valPerplexity = v.perplexity();
            metric.valAccuracy = v.accuracy();
        }
        metric.createdAt = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            metric.persist();
            TrainingRun.update("step = ?1, totalSteps = ?2, epoch = ?3, lastLoss = ?4 where id = ?5",
                    p.step(), p.totalSteps(), p.epoch(), metric.trainLoss, runId);
        });
        events.emit(runId, RunEvent.progress(metric, p.totalSteps(), p.eta() == null ? null : p.eta().toSeconds()));
    }

    /**
     * Writes the PEFT adapter (LoRA), the changed tensors (partial methods) or the full Hugging Face model, each with
     * run.json for the chat to find it.
     */
    private Path save(TrainingRun run, LanguageModel lm, TrainingResult result, Path out) throws IOException {
        Files.createDirectories(out);
        Path dir;
        if (result.adapter() != null) {
            dir = out.resolve("adapter");
            result.adapter().save(dir);
        } else if (result.partial() != null) {
            dir = out.resolve(PARTIAL_DIR);
            try (PartialWeights changed = PartialWeights.of(result.partial(), lm.config(), result.model(), run.baseModel,
                    lm.model().manager())) {
                changed.save(dir, lm.config());
            }
        } else {
            dir = out.resolve("model");
            LanguageModel.saveModel(result.model(), lm.directory(), dir);
        }
        String method = result.adapter() != null ? "LoRA" : result.partial() != null ? result.partial().describe() : "full";
        String label = "Run #" + run.id + " · " + method + " · " + result.steps() + " steps";
        FILES.writeValue(dir.resolve("run.json").toFile(), Map.of("personaId", run.personaId, "runId", run.id,
                "label", label, "baseModel", run.baseModel, "fullModel", result.adapter() == null && result.partial() == null,
                "partial", result.partial() != null));
        return dir;
    }

    private static RunOutcome outcome(TrainingResult result, LlamaConfig baseConfig) {
        ValidationMetrics base = result.initialValidation();
        ValidationMetrics tuned = result.bestValidation();
        long trainable = result.adapter() != null ? result.adapter().parameterCount()
                : result.partial() != null ? result.partial().trainableParameters(baseConfig)
                : result.model().config().parameterCount();
        return new RunOutcome(base == null ? null : base.loss(), base == null ? null : base.perplexity(),
                base == null ? null : base.accuracy(), tuned == null ? null : tuned.loss(),
                tuned == null ? null : tuned.perplexity(), tuned == null ? null : tuned.accuracy(), result.steps(),
                result.bestStep(), result.stoppedEarly(), result.truncatedExamples(), result.tokensPerSecond(),
                trainable);
    }

    /** Greedy outputs of base and tuned on up to 20 validation prompts (training prompts when there are none). */
    private static List<RunEvaluation.Row> evaluate(TrainingRun run, LanguageModel lm, TrainingResult result,
                                                    List<RunPair> pairs, Consumer<String> log) {
        List<RunPair> candidates = pairs.stream().filter(p -> p.validation).toList();
        if (candidates.isEmpty()) {
            candidates = pairs;
        }
        SamplingParams greedy = SamplingParams.greedy(EVALUATION_MAX_TOKENS);
        List<RunPair> chosen = new ArrayList<>();
        List<GenerationRequest> baseRequests = new ArrayList<>();
        List<GenerationRequest> tunedRequests = new ArrayList<>();
        LoraAdapter adapter = result.adapter();
        int context = lm.config().maxPositionEmbeddings();
        int tooLong = 0;
        for (RunPair p : candidates) {
            if (chosen.size() == EVALUATION_ROWS) {
                break;
            }
            List<ChatMessage> messages = new ArrayList<>();
            if (run.systemPrompt != null && !run.systemPrompt.isBlank()) {
                messages.add(ChatMessage.system(run.systemPrompt));
            }
            messages.add(ChatMessage.user(p.prompt));
            GenerationRequest base = GenerationRequest.chat(lm, messages, null, greedy);
            if (base.promptIds().length >= context) {
                // the model cannot answer a prompt that fills its whole context; the run's weights are fine
                tooLong++;
                continue;
            }
            chosen.add(p);
            baseRequests.add(base);
            tunedRequests.add(GenerationRequest.chat(lm, messages, adapter, greedy));
        }
        if (tooLong > 0) {
            log.accept("The comparison left out " + tooLong + " prompts that, with the system prompt and chat template, "
                    + "fill the model's whole context of " + context + " tokens.");
        }
        if (chosen.isEmpty()) {
            return List.of();
        }
        List<GenerationResult> base;
        List<GenerationResult> tuned;
        if (adapter != null) {
            List<GenerationRequest> both = new ArrayList<>(baseRequests);
            both.addAll(tunedRequests);
            List<GenerationResult> all = new Generator(lm).generate(both, null, () -> false);
            base = all.subList(0, chosen.size());
            tuned = all.subList(chosen.size(), all.size());
        } else {
            base = new Generator(lm).generate(baseRequests, null, () -> false);
            tuned = new Generator(result.model(), lm.tokenizer(), lm.eosTokenIds()).generate(tunedRequests, null,
                    () -> false);
        }
        List<RunEvaluation.Row> rows = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            rows.add(new RunEvaluation.Row(chosen.get(i).prompt, chosen.get(i).completion, base.get(i).text(),
                    tuned.get(i).text()));
        }
        return rows;
    }

    private void finish(long runId, RunStatus status, RunOutcome outcome, String outputDir, String message) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = runs.get(runId);
            run.status = status;
            run.finishedAt = Instant.now();
            run.outputDir = outputDir;
            if (outcome != null) {
                try {
                    run.finalMetrics = FILES.writeValueAsString(outcome);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        runs.log(runId, message);
        events.emit(runId, RunEvent.status(status, message));
    }

    private void fail(long runId, String message) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = runs.get(runId);
            run.status = RunStatus.FAILED;
            run.finishedAt = Instant.now();
            run.error = message.length() > 4000 ? message.substring(0, 3997) + "…" : message;
        });
        runs.log(runId, message);
        events.emit(runId, RunEvent.status(RunStatus.FAILED, message));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.io.UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
