package dev.personaforge.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.personaforge.model.AdapterBatch;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LlamaForCausalLM;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.Losses;
import dev.personaforge.model.Torch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Fine-tunes a loaded model on persona examples with LoRA (or full fine-tuning): loss on completion
 * tokens and the closing EOS only, length-bucketed padded batches, AdamW, warmup and decay,
 * clipping, gradient accumulation, periodic validation with early stopping on the best adapter,
 * cancellation and progress events. Deterministic for a given seed on a given machine.
 */
public final class Trainer {
    private final LanguageModel lm;

    public Trainer(LanguageModel lm) {
        this.lm = lm;
    }

    /** A padded micro-batch: right-padded ids, mask and shifted labels. */
    private record Batch(long[][] ids, boolean[][] mask, long[][] labels, int tokens, int labelTokens) {}

    static List<List<EncodedExample>> buckets(List<EncodedExample> examples, int batchSize) {
        List<EncodedExample> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparingInt(EncodedExample::length));
        List<List<EncodedExample>> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += batchSize) {
            out.add(sorted.subList(i, Math.min(sorted.size(), i + batchSize)));
        }
        return out;
    }

    private static Batch pad(List<EncodedExample> examples, long padId) {
        int t = examples.stream().mapToInt(EncodedExample::length).max().orElse(1);
        int b = examples.size();
        long[][] ids = new long[b][t];
        boolean[][] mask = new boolean[b][t];
        long[][] labels = new long[b][t];
        int tokens = 0;
        int labelTokens = 0;
        for (int r = 0; r < b; r++) {
            EncodedExample e = examples.get(r);
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
        LlamaForCausalLM base = lm.model();
        ExampleEncoder encoder = new ExampleEncoder(lm);
        int truncated = 0;
        int dropped = 0;
        List<EncodedExample> trainSet = new ArrayList<>();
        List<EncodedExample> valSet = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (TrainingExample e : pass == 0 ? train : validation) {
                EncodedExample enc = encoder.encode(e, tc.maxLength());
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
        if (trainSet.isEmpty()) {
            throw new IllegalArgumentException("every training example's prompt exceeds maxLength " + tc.maxLength());
        }
        long padId = lm.eosTokenIds().get(0);
        List<List<EncodedExample>> trainBuckets = buckets(trainSet, tc.batchSize());
        List<List<EncodedExample>> valBuckets = buckets(valSet, tc.batchSize());

        int maxLen = trainSet.stream().mapToInt(EncodedExample::length).max().orElse(1);
        int maxBatch = Math.min(tc.batchSize(), trainSet.size());
        LoraConfig loraConfig = tc.fullFineTune() ? null
                : new LoraConfig(tc.loraRank(), tc.loraAlpha(), tc.loraDropout(), tc.targetModules(), lm.directory().toString());
        long trainable = tc.fullFineTune() ? base.config().parameterCount() : loraParameterCount(base, loraConfig);
        MemoryEstimate estimate = MemoryEstimate.training(base.config(), trainable, tc.fullFineTune(),
                (long) maxBatch * maxLen, maxLen, maxBatch, tc.memoryLimitBytes());
        if (!estimate.fits()) {
            throw new InsufficientMemoryException(estimate);
        }

        int batchesPerEpoch = trainBuckets.size();
        int stepsPerEpoch = (batchesPerEpoch + tc.gradientAccumulation() - 1) / tc.gradientAccumulation();
        int totalSteps = tc.maxSteps() > 0 ? tc.maxSteps() : tc.epochs() * stepsPerEpoch;

        Torch.seed(tc.seed());
        Random shuffle = new Random(tc.seed());
        LlamaForCausalLM model = tc.fullFineTune() ? base.copy(base.manager()) : base;
        LoraAdapter adapter = tc.fullFineTune() ? null : LoraAdapter.create(base, loraConfig, tc.seed());
        LoraAdapter bestAdapter = null;
        LlamaForCausalLM bestModel = null;
        List<NDArray> params = tc.fullFineTune() ? new ArrayList<>(model.stateDict().values()) : adapter.parameters();
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
        boolean previousGrad = Torch.setGradMode(false);
        try (NDManager runManager = base.manager().newSubManager()) {
            AdamW optimizer = new AdamW(params, runManager, tc.beta1(), tc.beta2(), tc.epsilon(), tc.weightDecay());
            if (!valBuckets.isEmpty()) {
                best = evaluate(model, adapter, valBuckets, padId, 0);
                validations.add(best);
                if (adapter != null) {
                    bestAdapter = adapter.copy(base.manager());
                }
            }
            for (NDArray p : params) {
                p.setRequiresGradient(true);
            }
            List<List<EncodedExample>> order = new ArrayList<>();
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
                    Torch.setGradMode(true);
                    try (NDManager scope = runManager.newSubManager();
                            AdapterBatch routing = adapter == null ? null : AdapterBatch.uniform(scope, adapter, batch.ids().length)) {
                        NDArray hidden = model.hiddenStates(scope.create(batch.ids()), batch.mask(), routing, true); // (B, T, H)
                        Losses.Result r = Losses.crossEntropy(model, hidden, batch.labels(), false);
                        NDArray weighted = r.loss().mul((float) r.tokens() / groupLabels);
                        Torch.backward(weighted);
                        lossSum += r.loss().getFloat() * r.tokens();
                        lossTokens += r.tokens();
                    } finally {
                        Torch.setGradMode(false);
                    }
                    trainTokens += batch.tokens();
                }
                double gradNorm = optimizer.gradNorm();
                double scale = tc.maxGradNorm() > 0 && gradNorm > tc.maxGradNorm() ? tc.maxGradNorm() / (gradNorm + 1e-6) : 1.0;
                double lr = LrSchedule.at(tc.schedule(), tc.learningRate(), tc.warmupSteps(), step, totalSteps);
                optimizer.step(lr, scale);
                trainNanos += System.nanoTime() - start;
                step++;
                double loss = lossSum / lossTokens;
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
        } finally {
            for (NDArray p : params) {
                p.setRequiresGradient(false);
            }
            Torch.setGradMode(previousGrad);
        }
        LoraAdapter resultAdapter = adapter;
        LlamaForCausalLM resultModel = tc.fullFineTune() ? model : null;
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
                best, truncated, dropped, wasCancelled, stoppedEarly, tps, estimate);
    }

    private static long loraParameterCount(LlamaForCausalLM base, LoraConfig config) {
        long n = 0;
        for (var lin : base.linears()) {
            if (config.targetModules().contains(lin.name)) {
                n += (long) config.r() * (lin.inFeatures() + lin.outFeatures());
            }
        }
        return n;
    }

    /** Validation loss, perplexity and next-token accuracy over all completion tokens of the split. */
    private ValidationMetrics evaluate(LlamaForCausalLM model, LoraAdapter adapter, List<List<EncodedExample>> buckets,
            long padId, int step) {
        boolean previous = Torch.setGradMode(false);
        double lossSum = 0;
        long tokens = 0;
        long correct = 0;
        try {
            for (List<EncodedExample> bucket : buckets) {
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
