package dev.personaforge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.personaforge.model.AdapterBatch;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LlamaForCausalLM;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.Losses;
import dev.personaforge.model.ModelLoadException;
import dev.personaforge.model.PartialTuning;
import dev.personaforge.model.Torch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Fine-tunes a loaded model on persona examples with LoRA, full fine-tuning or a partial method (top layers,
 * feature extraction; see {@link PartialTuning}): loss on completion
 * tokens and the closing EOS only, length-bucketed padded batches, AdamW, warmup and decay,
 * clipping, gradient accumulation, periodic validation with early stopping on the best adapter,
 * cancellation and progress events. Deterministic for a given seed on a given machine.
 */
public final class Trainer {
    /**
     * Positions per chunk of logits in the checkpointed loss: bounds the (chunk, vocab) logits memory. With
     * smollm2's 49,152 words, 128 positions make 25 MB, under glibc's 32 MB limit for reusing freed heap memory; the
     * 100 MB of 512 positions were mapped fresh every chunk, about 0.2 million page faults a training step.
     */
    static final int LOSS_CHUNK = 128;
    /** Non-finite steps in a row after which a run stops as diverged instead of skipping another one. */
    static final int MAX_SKIPPED_IN_A_ROW = 5;

    private final LlamaForCausalLM base;
    private final ExampleEncoder encoder;
    private final long padId;
    private final String baseModelName;

    /** Trains adapters for (or copies of) a loaded model, rendering examples with its chat template. */
    public Trainer(LanguageModel lm) {
        this(lm.model(), new ExampleEncoder(lm), lm.eosTokenIds().get(0), lm.directory().toString());
    }

    /** Trains on already tokenized sequences only (see {@link #trainTokenized}), e.g. for benchmarks. */
    public Trainer(LlamaForCausalLM model, long padId, String baseModelName) {
        this(model, null, padId, baseModelName);
    }

    private Trainer(LlamaForCausalLM base, ExampleEncoder encoder, long padId, String baseModelName) {
        this.base = base;
        this.encoder = encoder;
        this.padId = padId;
        this.baseModelName = baseModelName;
    }

    /** A padded micro-batch: right-padded ids, mask and shifted labels. */
    private record Batch(long[][] ids, boolean[][] mask, long[][] labels, int tokens, int labelTokens) {}

    static List<List<TokenizedExample>> buckets(List<TokenizedExample> examples, int batchSize) {
        List<TokenizedExample> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparingInt(TokenizedExample::length));
        List<List<TokenizedExample>> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += batchSize) {
            out.add(sorted.subList(i, Math.min(sorted.size(), i + batchSize)));
        }
        return out;
    }

    private static Batch pad(List<TokenizedExample> examples, long padId) {
        int t = examples.stream().mapToInt(TokenizedExample::length).max().orElse(1);
        int b = examples.size();
        long[][] ids = new long[b][t];
        boolean[][] mask = new boolean[b][t];
        long[][] labels = new long[b][t];
        int tokens = 0;
        int labelTokens = 0;
        for (int r = 0; r < b; r++) {
            TokenizedExample e = examples.get(r);
            java.util.Arrays.fill(ids[r], padId);
            java.util.Arrays.fill(labels[r], Losses.IGNORE_INDEX);
            System.arraycopy(e.ids(), 0, ids[r], 0, e.length());
            for (int j = 0; j < e.length(); j++) {
                mask[r][j] = true;
                if (j + 1 < e.length() && j + 1 >= e.promptLength()) {
                    labels[r][j] = e.ids()[j + 1];
                    labelTokens++;
                }
            }
            tokens += e.length();
        }
        return new Batch(ids, mask, labels, tokens, labelTokens);
    }

    /**
     * Runs one training job on the calling thread.
     *
     * @param validation may be empty: then no validation, early stopping or best-adapter selection
     * @param listener may be null
     * @param cancelled checked between micro-batches; a cancelled run returns what it has so far
     * @throws InsufficientMemoryException when the estimate exceeds available memory (nothing is allocated)
     */
    public TrainingResult train(TrainingConfig tc, List<TrainingExample> train, List<TrainingExample> validation,
            ProgressListener listener, BooleanSupplier cancelled) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        if (encoder == null) {
            throw new IllegalStateException("this trainer has no tokenizer; use trainTokenized");
        }
        int truncated = 0;
        int dropped = 0;
        List<TokenizedExample> trainSet = new ArrayList<>();
        List<TokenizedExample> valSet = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (TrainingExample e : pass == 0 ? train : validation) {
                TokenizedExample enc = encoder.encode(e, tc.maxLength());
                if (enc == null) {
                    dropped++;
                    continue;
                }
                if (enc.truncated()) {
                    truncated++;
                }
                (pass == 0 ? trainSet : valSet).add(enc);
            }
        }
        return run(tc, trainSet, valSet, truncated, dropped, listener, cancelled);
    }

    /**
     * Runs a training job on tokenized sequences (each no longer than {@code maxLength}).
     *
     * @see #train
     */
    public TrainingResult trainTokenized(TrainingConfig tc, List<TokenizedExample> train, List<TokenizedExample> validation,
            ProgressListener listener, BooleanSupplier cancelled) {
        return run(tc, train, validation, 0, 0, listener, cancelled);
    }

    private TrainingResult run(TrainingConfig tc, List<TokenizedExample> trainSet, List<TokenizedExample> valSet,
            int truncated, int dropped, ProgressListener listener, BooleanSupplier cancelled) {
        if (trainSet.isEmpty()) {
            throw new IllegalArgumentException("no training sequences (every prompt exceeds maxLength " + tc.maxLength() + ")");
        }
        List<List<TokenizedExample>> trainBuckets = buckets(trainSet, tc.batchSize());
        List<List<TokenizedExample>> valBuckets = buckets(valSet, tc.batchSize());

        int maxLen = trainSet.stream().mapToInt(TokenizedExample::length).max().orElse(1);
        int maxBatch = Math.min(tc.batchSize(), trainSet.size());
        PartialTuning partial = tc.partial();
        if (partial != null) {
            partial.checkFits(base.config());
        }
        LoraConfig loraConfig = tc.fullFineTune() || partial != null ? null
                : new LoraConfig(tc.loraRank(), tc.loraAlpha(), tc.loraDropout(), tc.targetModules(), baseModelName);
        long trainable = tc.fullFineTune() ? base.config().parameterCount() : loraParameterCount(base, loraConfig);
        MemoryEstimate estimate = partial != null
                ? MemoryEstimate.partial(base.config(), partial, (long) maxBatch * maxLen, maxLen, maxBatch, tc.memoryLimitBytes(),
                        tc.activationBudgetBytes())
                : MemoryEstimate.training(base.config(), trainable, tc.fullFineTune(), (long) maxBatch * maxLen, maxLen,
                        maxBatch, tc.memoryLimitBytes(), tc.activationBudgetBytes());
        if (!estimate.fits()) {
            throw new InsufficientMemoryException(estimate);
        }

        int batchesPerEpoch = trainBuckets.size();
        int stepsPerEpoch = (batchesPerEpoch + tc.gradientAccumulation() - 1) / tc.gradientAccumulation();
        int totalSteps = tc.maxSteps() > 0 ? tc.maxSteps() : tc.epochs() * stepsPerEpoch;

        Torch.seed(tc.seed());
        Random shuffle = new Random(tc.seed());
        LlamaForCausalLM model = tc.fullFineTune() ? base.copy(base.manager())
                : partial != null ? partialCopy(base, partial) : base;
        LoraAdapter adapter = loraConfig == null ? null : LoraAdapter.create(base, loraConfig, tc.seed());
        LoraAdapter bestAdapter = null;
        LlamaForCausalLM bestModel = null;
        List<NDArray> params = tc.fullFineTune() ? new ArrayList<>(model.stateDict().values())
                : partial != null ? trainedTensors(model, partial) : adapter.parameters();
        WeightSnapshot bestPartial = null;
        List<Double> lossCurve = new ArrayList<>();
        List<ValidationMetrics> validations = new ArrayList<>();
        ValidationMetrics best = null;
        int bestStep = 0;
        int evalsWithoutImprovement = 0;
        boolean wasCancelled = false;
        boolean stoppedEarly = false;
        long trainTokens = 0;
        long trainNanos = 0;
        int step = 0;
        long microBatches = 0;
        int skippedInARow = 0;
        RuntimeException failure = null;
        boolean previousGrad = Torch.setGradMode(false);
        try (NDManager runManager = base.manager().newSubManager()) {
            AdamW optimizer = new AdamW(params, runManager, tc.beta1(), tc.beta2(), tc.epsilon(), tc.weightDecay());
            if (!valBuckets.isEmpty()) {
                best = evaluate(model, adapter, valBuckets, padId, 0);
                validations.add(best);
                if (adapter != null) {
                    bestAdapter = adapter.copy(base.manager());
                }
                if (partial != null) {
                    bestPartial = new WeightSnapshot(params, base.manager());
                }
            }
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            List<List<TokenizedExample>> order = new ArrayList<>();
            int cursor = 0;
            outer:
            while (step < totalSteps) {
                double lossSum = 0;
                int lossTokens = 0;
                List<Batch> group = new ArrayList<>();
                for (int k = 0; k < tc.gradientAccumulation(); k++) {
                    if (cursor == order.size()) {
                        if (k > 0) {
                            break;
                        }
                        order = new ArrayList<>(trainBuckets);
                        Collections.shuffle(order, shuffle);
                        cursor = 0;
                    }
                    group.add(pad(order.get(cursor++), padId));
                }
                int groupLabels = group.stream().mapToInt(Batch::labelTokens).sum();
                long start = System.nanoTime();
                for (Batch batch : group) {
                    if (cancelled != null && cancelled.getAsBoolean()) {
                        wasCancelled = true;
                        optimizer.zeroGrad();
                        break outer;
                    }
                    microBatches++;
                    if (adapter != null || partial != null) {
                        try (NDManager scope = runManager.newSubManager();
                                AdapterBatch routing = adapter == null ? null
                                        : AdapterBatch.uniform(scope, adapter, batch.ids().length)) {
                            LlamaForCausalLM.LossResult r = model.checkpointedLossAndBackward(scope.create(batch.ids()),
                                    batch.mask(), batch.labels(), routing, (float) batch.labelTokens() / groupLabels,
                                    tc.seed() * 1_000_003L + microBatches * 10_007L, LOSS_CHUNK, estimate.keptLayers());
                            lossSum += r.loss() * r.tokens();
                            lossTokens += r.tokens();
                        }
                    } else {
                        Torch.setGradMode(true);
                        try (NDManager scope = runManager.newSubManager()) {
                            NDArray hidden = model.hiddenStates(scope.create(batch.ids()), batch.mask(), null, true); // (B, T, H)
                            Losses.Result r = Losses.crossEntropy(model, hidden, batch.labels(), false);
                            Torch.backward(Torch.mul(r.loss(), (float) r.tokens() / groupLabels));
                            lossSum += r.loss().getFloat() * r.tokens();
                            lossTokens += r.tokens();
                        } finally {
                            Torch.setGradMode(false);
                        }
                    }
                    trainTokens += batch.tokens();
                }
                double gradNorm = optimizer.gradNorm();
                double loss = lossSum / lossTokens;
                double lr = LrSchedule.at(tc.schedule(), tc.learningRate(), tc.warmupSteps(), step, totalSteps);
                if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                    // Clipping cannot rescue an infinite norm (the scale becomes 0 and 0 * inf is NaN), and one
                    // such update would turn every weight into NaN: leave the weights as they are, like a mixed-
                    // precision loss scaler does on overflow, and give up only when it keeps happening.
                    optimizer.zeroGrad();
                    trainNanos += System.nanoTime() - start;
                    step++;
                    skippedInARow++;
                    String reason = (Double.isFinite(loss) ? "" : "loss " + loss + ", ") + "gradient norm " + gradNorm;
                    if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
                        throw new TrainingDivergedException("Training diverged: the loss or the gradients were not finite for "
                                + skippedInARow + " steps in a row (step " + step + ": " + reason + "). Lower the learning rate "
                                + "(it was " + tc.learningRate() + ") or the maximum sequence length.");
                    }
                    if (listener != null) {
                        listener.onSkippedStep(step, reason);
                    }
                    continue;
                }
                skippedInARow = 0;
                double scale = tc.maxGradNorm() > 0 && gradNorm > tc.maxGradNorm() ? tc.maxGradNorm() / (gradNorm + 1e-6) : 1.0;
                optimizer.step(lr, scale);
                trainNanos += System.nanoTime() - start;
                step++;
                lossCurve.add(loss);
                ValidationMetrics val = null;
                boolean last = step == totalSteps;
                if (!valBuckets.isEmpty() && ((tc.evalEvery() > 0 && step % tc.evalEvery() == 0) || last)) {
                    val = evaluate(model, adapter, valBuckets, padId, step);
                    validations.add(val);
                    if (val.loss() < best.loss()) {
                        best = val;
                        bestStep = step;
                        evalsWithoutImprovement = 0;
                        if (adapter != null) {
                            if (bestAdapter != null) {
                                bestAdapter.close();
                            }
                            bestAdapter = adapter.copy(base.manager());
                        } else if (partial != null) {
                            bestPartial.close();
                            bestPartial = new WeightSnapshot(params, base.manager());
                        } else {
                            if (bestModel == null) {
                                bestModel = model.copy(base.manager());
                            } else {
                                bestModel.copyWeightsFrom(model);
                            }
                        }
                    } else {
                        evalsWithoutImprovement++;
                    }
                }
                double tps = trainTokens / (trainNanos / 1e9);
                Duration eta = Duration.ofMillis((long) (trainNanos / 1e6 / step * (totalSteps - step)));
                if (listener != null) {
                    listener.onProgress(new TrainingProgress(step, totalSteps, (double) step / stepsPerEpoch, loss, lr,
                            gradNorm, tps, eta, val));
                }
                if (tc.patience() > 0 && evalsWithoutImprovement >= tc.patience()) {
                    stoppedEarly = true;
                    break;
                }
            }
            optimizer.close();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            for (NDArray p : params) {
                p.setRequiresGradient(false);
            }
            Torch.setGradMode(previousGrad);
            if (failure != null) {
                for (AutoCloseable owned : new AutoCloseable[] {bestAdapter, bestModel, bestPartial, adapter,
                        model == base ? null : model}) {
                    closeQuietly(owned, failure);
                }
            }
        }
        LoraAdapter resultAdapter = adapter;
        LlamaForCausalLM resultModel = tc.fullFineTune() || partial != null ? model : null;
        if (bestPartial != null) {
            // the best validation state (the starting weights when no step improved on them)
            bestPartial.restoreInto(params);
            bestPartial.close();
        }
        if (bestAdapter != null) {
            adapter.close();
            resultAdapter = bestAdapter;
        }
        if (bestModel != null) {
            model.close();
            resultModel = bestModel;
        } else if (tc.fullFineTune() && best != null && bestStep == 0 && step > 0) {
            model.copyWeightsFrom(base);
        }
        double tps = trainNanos == 0 ? 0 : trainTokens / (trainNanos / 1e9);
        return new TrainingResult(resultAdapter, resultModel, step, bestStep, List.copyOf(lossCurve), List.copyOf(validations),
                best, truncated, dropped, wasCancelled, stoppedEarly, tps, estimate, partial);
    }

    /**
     * A model that shares the base's frozen weights and owns copies of the tensors {@code partial} trains; for
     * feature extraction on a tied model, a new head copied from the embeddings, so the embeddings never change.
     */
    private static LlamaForCausalLM partialCopy(LlamaForCausalLM base, PartialTuning partial) {
        Map<String, NDArray> state = base.stateDict();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        try (NDManager staging = base.manager().newSubManager()) {
            for (String name : partial.trainedTensors(base.config())) {
                NDArray source = name.equals("lm_head.weight") && !state.containsKey(name)
                        ? state.get("model.embed_tokens.weight") : state.get(name);
                copies.put(name, staging.create(source.toFloatArray(), source.getShape()));
            }
            LlamaForCausalLM model = base.withTensors(partial.tunedConfig(base.config()), copies);
            // half-precision copies would go stale as the trained tensors change: this model runs in F32 throughout
            model.setHalfPrecisionInference(false);
            return model;
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tensors of {@code model} that {@code partial} trains, by name. */
    private List<NDArray> trainedTensors(LlamaForCausalLM model, PartialTuning partial) {
        Map<String, NDArray> state = model.stateDict();
        return partial.trainedTensors(base.config()).stream().map(state::get).toList();
    }

    private static void closeQuietly(AutoCloseable owned, RuntimeException cause) {
        if (owned == null) {
            return;
        }
        try {
            owned.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** Copies of trained tensors at one validation, to return the best state of a partial fine-tune. */
    private static final class WeightSnapshot implements AutoCloseable {
        private final NDManager manager;
        private final List<NDArray> values = new ArrayList<>();

        WeightSnapshot(List<NDArray> params, NDManager parent) {
            manager = parent.newSubManager();
            for (NDArray p : params) {
                values.add(manager.create(p.toFloatArray(), p.getShape()));
            }
        }

        void restoreInto(List<NDArray> params) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).set(values.get(i).toFloatArray());
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    private static long loraParameterCount(LlamaForCausalLM base, LoraConfig config) {
        if (config == null) {
            return 0;
        }
        long n = 0;
        for (var lin : base.linears()) {
            if (config.targetModules().contains(lin.name)) {
                n += (long) config.r() * (lin.inFeatures() + lin.outFeatures());
            }
        }
        return n;
    }

    /** Validation loss, perplexity and next-token accuracy over all completion tokens of the split. */
    private ValidationMetrics evaluate(LlamaForCausalLM model, LoraAdapter adapter, List<List<TokenizedExample>> buckets,
            long padId, int step) {
        boolean previous = Torch.setGradMode(false);
        double lossSum = 0;
        long tokens = 0;
        long correct = 0;
        try {
            for (List<TokenizedExample> bucket : buckets) {
                Batch batch = pad(bucket, padId);
                try (NDManager scope = model.manager().newSubManager();
                        AdapterBatch routing = adapter == null ? null : AdapterBatch.uniform(scope, adapter, batch.ids().length)) {
                    NDArray hidden = model.hiddenStates(scope.create(batch.ids()), batch.mask(), routing, false);
                    Losses.Result r = Losses.crossEntropy(model, hidden, batch.labels(), true);
                    lossSum += r.loss().getFloat() * r.tokens();
                    tokens += r.tokens();
                    correct += r.correct();
                }
            }
        } finally {
            Torch.setGradMode(previous);
        }
        double loss = lossSum / tokens;
        return new ValidationMetrics(step, loss, Math.exp(loss), (double) correct / tokens, (int) tokens);
    }
}
