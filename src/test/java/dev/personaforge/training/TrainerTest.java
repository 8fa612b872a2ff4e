package dev.personaforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.Generator;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.model.Torch;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.SafeTensors;
import dev.personaforge.model.TinyCheckpoints;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a tiny random Llama: optimisation, determinism, freezing, accumulation, limits. */
class TrainerTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    @TempDir
    static Path tmp;
    static LanguageModel lm;

    @BeforeAll
    static void load() throws Exception {
        Path dir = tmp.resolve("tiny");
        TinyCheckpoints.write(dir, TinyCheckpoints.llama(), SafeTensors.Dtype.F32, false, 21);
        lm = LanguageModel.load(dir);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    static List<TrainingExample> data(int n, int completionWords) {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder c = new StringBuilder();
            for (int w = 0; w < completionWords; w++) {
                c.append(w == 0 ? "" : " ").append("w").append(10 + (i * 7 + w * 3) % 50);
            }
            out.add(new TrainingExample(i % 2 == 0 ? "w5 w6" : "", "w" + (20 + i) + " w" + (30 + i), c.toString()));
        }
        return out;
    }

    static TrainingConfig base() {
        return TrainingConfig.defaults()
                .withLora(4, 8, 0.0, LoraConfig.ALL_LINEAR)
                .withOptimizer(1e-2, 0.01, 0, TrainingConfig.Schedule.CONSTANT, 1.0)
                .withBatching(4, 1, 64)
                .withDuration(0, 1)
                .withValidation(1, 0);
    }

    @Test
    void oneOptimizerStepLowersTheLoss() {
        List<TrainingExample> d = data(4, 5);
        try (TrainingResult r = new Trainer(lm).train(base(), d, d, null, null)) {
            assertEquals(1, r.steps());
            assertEquals(2, r.validations().size());
            assertTrue(r.validations().get(1).loss() < r.validations().get(0).loss(),
                    r.validations().get(0).loss() + " -> " + r.validations().get(1).loss());
            assertEquals(d.size() * 6, r.validations().get(0).tokens(), "5 completion tokens + EOS per example");
        }
    }

    @Test
    void sameSeedGivesSameLossCurve() {
        List<TrainingExample> d = data(6, 4);
        TrainingConfig tc = base().withLora(4, 8, 0.1, LoraConfig.ALL_LINEAR).withBatching(2, 1, 64).withDuration(0, 6);
        List<Double> a;
        List<Double> b;
        List<Double> c;
        try (TrainingResult r = new Trainer(lm).train(tc, d, List.of(), null, null)) {
            a = r.lossCurve();
        }
        try (TrainingResult r = new Trainer(lm).train(tc, d, List.of(), null, null)) {
            b = r.lossCurve();
        }
        try (TrainingResult r = new Trainer(lm).train(tc.withSeed(7), d, List.of(), null, null)) {
            c = r.lossCurve();
        }
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void baseWeightsStayFrozenUnderLora() {
        Map<String, float[]> before = new LinkedHashMap<>();
        lm.model().stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));
        try (TrainingResult r = new Trainer(lm).train(base().withDuration(0, 3), data(4, 3), List.of(), null, null)) {
            assertNotNull(r.adapter());
            assertNull(r.model());
            for (NDArray p : r.adapter().parameters()) {
                assertFalse(p.hasGradient(), "returned adapter must not require gradients");
            }
        }
        for (Map.Entry<String, NDArray> e : lm.model().stateDict().entrySet()) {
            assertFalse(e.getValue().hasGradient(), e.getKey() + " must not require gradients");
            assertArrayEquals(before.get(e.getKey()), e.getValue().toFloatArray(), 0f, e.getKey());
        }
    }

    @Test
    void gradientAccumulationMatchesOneBigBatch() {
        List<TrainingExample> d = data(4, 4);
        TrainingConfig big = base().withBatching(4, 1, 64);
        TrainingConfig accumulated = base().withBatching(2, 2, 64);
        try (TrainingResult a = new Trainer(lm).train(big, d, d, null, null);
                TrainingResult b = new Trainer(lm).train(accumulated, d, d, null, null)) {
            assertEquals(a.lossCurve().get(0), b.lossCurve().get(0), 1e-5);
            assertEquals(a.finalValidation().loss(), b.finalValidation().loss(), 1e-5);
        }
    }

    @Test
    void truncationIsCountedAndLongPromptsDropped() {
        List<TrainingExample> d = new ArrayList<>(data(3, 20));
        d.add(new TrainingExample("", "w3 ".repeat(40).strip(), "w4"));
        try (TrainingResult r = new Trainer(lm).train(base().withBatching(4, 1, 16), d, List.of(), null, null)) {
            assertEquals(3, r.truncatedExamples());
            assertEquals(1, r.droppedExamples());
        }
    }

    @Test
    void runThatCannotFitIsRefusedWithAnEstimate() {
        InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
                () -> new Trainer(lm).train(base().withMemoryLimit(1000), data(4, 3), List.of(), null, null));
        assertTrue(e.getMessage().contains("GB") && e.getMessage().contains("activations"), e.getMessage());
        assertTrue(e.estimate().requiredBytes() > 1000);
    }

    @Test
    void cancellationAndProgressEvents() {
        AtomicInteger events = new AtomicInteger();
        List<TrainingProgress> seen = new ArrayList<>();
        try (TrainingResult r = new Trainer(lm).train(base().withBatching(1, 1, 64).withDuration(0, 50).withValidation(2, 0),
                data(4, 3), data(2, 3), p -> {
                    seen.add(p);
                    events.incrementAndGet();
                }, () -> events.get() >= 3)) {
            assertTrue(r.cancelled());
            assertEquals(3, r.steps());
            TrainingProgress p = seen.get(1);
            assertEquals(2, p.step());
            assertEquals(50, p.totalSteps());
            assertEquals(0.5, p.epoch(), 1e-9);
            assertTrue(p.tokensPerSecond() > 0 && p.gradNorm() > 0 && p.learningRate() > 0 && p.eta() != null);
            assertNotNull(p.validation());
            assertNull(seen.get(0).validation());
        }
    }

    @Test
    void earlyStoppingKeepsTheBestAdapter() {
        List<TrainingExample> d = data(4, 4);
        TrainingConfig diverging = base().withOptimizer(5.0, 0, 0, TrainingConfig.Schedule.CONSTANT, 0)
                .withDuration(0, 20).withValidation(1, 2);
        try (TrainingResult r = new Trainer(lm).train(diverging, d, d, null, null)) {
            assertTrue(r.stoppedEarly());
            assertTrue(r.steps() < 20);
            assertEquals(r.bestValidation().loss(),
                    r.validations().stream().mapToDouble(ValidationMetrics::loss).min().orElseThrow(), 0);
        }
    }

    @Test
    void fullFineTuningTrainsACopy() {
        Map<String, float[]> before = new LinkedHashMap<>();
        lm.model().stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));
        List<TrainingExample> d = data(4, 4);
        try (TrainingResult r = new Trainer(lm).train(base().withFullFineTune(true).withOptimizer(1e-3, 0, 0,
                TrainingConfig.Schedule.LINEAR, 1.0).withDuration(0, 3), d, d, null, null)) {
            assertNull(r.adapter());
            assertNotNull(r.model());
            assertTrue(r.finalValidation().loss() < r.initialValidation().loss());
        }
        lm.model().stateDict().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), 0f, k));
    }

    @Test
    void keepingActivationsTrainsExactlyLikeRecomputingThem() {
        List<TrainingExample> d = data(4, 5);
        TrainingConfig tc = base().withLora(4, 8, 0.1, LoraConfig.ALL_LINEAR).withDuration(0, 3);
        try (TrainingResult recomputed = new Trainer(lm).train(tc.withActivationBudget(0), d, d, null, null);
                TrainingResult kept = new Trainer(lm).train(tc.withActivationBudget(1L << 40), d, d, null, null)) {
            assertEquals(0, recomputed.memoryEstimate().keptLayers());
            assertEquals(lm.config().numHiddenLayers(), kept.memoryEstimate().keptLayers());
            for (int i = 0; i < 3; i++) {
                assertEquals(recomputed.lossCurve().get(i), kept.lossCurve().get(i), 1e-5, "step " + (i + 1));
            }
            List<NDArray> a = recomputed.adapter().parameters();
            List<NDArray> b = kept.adapter().parameters();
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray(), 1e-5f, "adapter tensor " + i);
            }
        }
    }

    /** A tiny model whose embedding row for token {@code w<poisoned>} is NaN, so any batch containing it has a NaN loss. */
    private static LanguageModel poisonedModel(String name, int poisoned) throws Exception {
        Path dir = tmp.resolve(name);
        TinyCheckpoints.write(dir, TinyCheckpoints.llama(), SafeTensors.Dtype.F32, false, 21);
        LanguageModel poisonedLm = LanguageModel.load(dir);
        NDArray embed = poisonedLm.model().stateDict().get("model.embed_tokens.weight");
        float[] values = embed.toFloatArray();
        int hidden = (int) embed.getShape().get(1);
        java.util.Arrays.fill(values, poisoned * hidden, (poisoned + 1) * hidden, Float.NaN);
        embed.set(values);
        return poisonedLm;
    }

    @Test
    void stepsWithANonFiniteLossAreSkippedAndTheWeightsStayFinite() throws Exception {
        try (LanguageModel poisonedLm = poisonedModel("poisoned-once", 40)) {
            List<TrainingExample> d = List.of(new TrainingExample("", "w20 w21", "w40 w41 w42"),
                    new TrainingExample("", "w22 w23", "w43 w44 w45"));
            List<Integer> skipped = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            ProgressListener listener = new ProgressListener() {
                @Override
                public void onProgress(TrainingProgress p) {
                    losses.add(p.loss());
                }

                @Override
                public void onSkippedStep(int step, String reason) {
                    assertTrue(reason.contains("NaN"), reason);
                    skipped.add(step);
                }
            };
            try (TrainingResult r = new Trainer(poisonedLm).train(base().withBatching(1, 1, 64).withDuration(3, 0), d,
                    List.of(), listener, null)) {
                assertEquals(6, r.steps());
                assertEquals(3, skipped.size(), "one poisoned batch per epoch: " + skipped);
                assertEquals(3, losses.size());
                assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
                for (NDArray p : r.adapter().parameters()) {
                    for (float v : p.toFloatArray()) {
                        assertTrue(Float.isFinite(v), "adapter weights stay finite");
                    }
                }
                // lora_B starts at zero: the clean steps moved it (parameters() lists each module's A, then its B)
                List<NDArray> params = r.adapter().parameters();
                assertTrue(java.util.stream.IntStream.range(0, params.size()).filter(i -> i % 2 == 1)
                        .anyMatch(i -> params.get(i).abs().sum().getFloat() > 0), "the clean steps still trained");
            }
        }
    }

    @Test
    void aRunWhoseLossStaysNonFiniteStopsAsDiverged() throws Exception {
        try (LanguageModel poisonedLm = poisonedModel("poisoned-always", 41)) {
            List<TrainingExample> d = List.of(new TrainingExample("", "w20", "w41 w42"));
            AtomicInteger skipped = new AtomicInteger();
            ProgressListener listener = new ProgressListener() {
                @Override
                public void onProgress(TrainingProgress p) {
                    throw new AssertionError("no step may report progress: " + p);
                }

                @Override
                public void onSkippedStep(int step, String reason) {
                    skipped.incrementAndGet();
                }
            };
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new Trainer(poisonedLm)
                    .train(base().withDuration(0, 20), d, List.of(), listener, null));
            assertTrue(e.getMessage().contains("not finite for " + Trainer.MAX_SKIPPED_IN_A_ROW + " steps in a row"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
            assertEquals(Trainer.MAX_SKIPPED_IN_A_ROW - 1, skipped.get());
        }
    }

    /**
     * The app evaluates a fresh full fine-tune from memory and later chats with the weights it saved; with F16
     * inference on both sides the greedy answers are the same tokens.
     */
    @Test
    void aTrainedModelDecodesInHalfPrecisionLikeItsSavedCopy() throws Exception {
        List<TrainingExample> d = data(4, 4);
        try (TrainingResult r = new Trainer(lm).train(base().withFullFineTune(true).withOptimizer(1e-2, 0, 0,
                TrainingConfig.Schedule.CONSTANT, 1.0).withDuration(0, 5), d, d, null, null)) {
            Path saved = tmp.resolve("full-tuned");
            LanguageModel.saveModel(r.model(), lm.directory(), saved);
            r.model().setHalfPrecisionInference(true);
            GenerationRequest request = new GenerationRequest(lm.encodeChat(ExampleEncoder.promptMessages(d.get(1))),
                    null, SamplingParams.greedy(12));
            long[] inMemory = new Generator(r.model(), lm.tokenizer(), lm.eosTokenIds())
                    .generate(List.of(request), null, null).get(0).tokenIds();
            try (LanguageModel reloaded = LanguageModel.load(saved)) {
                reloaded.model().setHalfPrecisionInference(true);
                long[] fromDisk = new Generator(reloaded).generate(List.of(request), null, null).get(0).tokenIds();
                assertArrayEquals(inMemory, fromDisk);
                assertTrue(inMemory.length > 0);
            }
        }
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        assertEquals(0.5, LrSchedule.at(TrainingConfig.Schedule.COSINE, 1.0, 1, 0, 10), 1e-12);
        assertEquals(1.0, LrSchedule.at(TrainingConfig.Schedule.COSINE, 1.0, 1, 1, 10), 1e-12);
        assertEquals(0.5, LrSchedule.at(TrainingConfig.Schedule.COSINE, 1.0, 0, 5, 10), 1e-12);
        assertEquals(0.5, LrSchedule.at(TrainingConfig.Schedule.LINEAR, 1.0, 0, 5, 10), 1e-12);
        assertEquals(1.0, LrSchedule.at(TrainingConfig.Schedule.CONSTANT, 1.0, 0, 9, 10), 1e-12);
    }
}
