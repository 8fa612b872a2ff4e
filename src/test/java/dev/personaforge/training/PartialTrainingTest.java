package dev.personaforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.LlamaForCausalLM;
import dev.personaforge.model.MergedModelWriter;
import dev.personaforge.model.PartialTuning;
import dev.personaforge.model.PartialWeights;
import dev.personaforge.model.SafeTensors;
import dev.personaforge.model.TinyCheckpoints;
import dev.personaforge.model.Torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partial fine-tuning on tiny random checkpoints: exactly the chosen tensors change (every other one stays
 * bit-identical), the base model is never touched, and save → merge → reload gives the tuned model's logits.
 */
class PartialTrainingTest {
    @BeforeAll
    static void oneTorchThread() {
        Torch.setThreads(1);
    }

    @TempDir
    static Path tmp;
    /** Untied head, two layers. */
    static LanguageModel llama;
    /** Tied embeddings, two layers. */
    static LanguageModel mistral;

    @BeforeAll
    static void load() throws Exception {
        TinyCheckpoints.write(tmp.resolve("llama"), TinyCheckpoints.llama(), SafeTensors.Dtype.F32, false, 31);
        TinyCheckpoints.write(tmp.resolve("mistral"), TinyCheckpoints.mistral(), SafeTensors.Dtype.F32, false, 32);
        llama = LanguageModel.load(tmp.resolve("llama"));
        mistral = LanguageModel.load(tmp.resolve("mistral"));
    }

    @AfterAll
    static void close() {
        llama.close();
        mistral.close();
    }

    static TrainingConfig partial(PartialTuning tuning) {
        return TrainerTest.base().withPartial(tuning).withOptimizer(1e-2, 0.0, 0, TrainingConfig.Schedule.CONSTANT, 1.0)
                .withDuration(0, 3).withValidation(0, 0);
    }

    static Map<String, float[]> values(LlamaForCausalLM model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Asserts that exactly {@code changed} differ between base and tuned, all others being bit-identical. */
    static void assertOnlyChanged(Map<String, float[]> base, Map<String, float[]> tuned, Set<String> changed) {
        for (Map.Entry<String, float[]> e : tuned.entrySet()) {
            String name = e.getKey();
            float[] before = base.containsKey(name) ? base.get(name) : base.get("model.embed_tokens.weight");
            if (changed.contains(name)) {
                assertFalse(java.util.Arrays.equals(before, e.getValue()), name + " should have been trained");
            } else {
                assertArrayEquals(before, e.getValue(), 0f, name + " must stay bit-identical");
            }
        }
    }

    @Test
    void topLayersTrainsOnlyTheLastLayersTheNormAndAnUntiedHead() {
        Map<String, float[]> before = values(llama.model());
        try (TrainingResult r = new Trainer(llama).train(partial(PartialTuning.topLayers(1)), TrainerTest.data(4, 4),
                List.of(), null, null)) {
            assertNull(r.adapter());
            assertEquals(PartialTuning.topLayers(1), r.partial());
            Map<String, float[]> after = values(r.model());
            assertEquals(before.keySet(), after.keySet());
            Set<String> trained = new java.util.HashSet<>(List.of("model.norm.weight", "lm_head.weight"));
            after.keySet().stream().filter(k -> k.startsWith("model.layers.1.")).forEach(trained::add);
            assertEquals(2 + 9, trained.size(), "norm, head and the nine tensors of layer 1");
            assertOnlyChanged(before, after, trained);
            for (NDArray p : r.model().stateDict().values()) {
                assertFalse(p.hasGradient(), "returned weights must not require gradients");
            }
        }
        Map<String, float[]> baseAfter = values(llama.model());
        before.forEach((k, v) -> assertArrayEquals(v, baseAfter.get(k), 0f, "the base model is never changed: " + k));
    }

    @Test
    void topLayersOnATiedModelLeavesTheSharedEmbeddingAlone() {
        Map<String, float[]> before = values(mistral.model());
        try (TrainingResult r = new Trainer(mistral).train(partial(PartialTuning.topLayers(2)), TrainerTest.data(4, 4),
                List.of(), null, null)) {
            Map<String, float[]> after = values(r.model());
            assertFalse(after.containsKey("lm_head.weight"), "the head stays tied");
            Set<String> trained = new java.util.HashSet<>(after.keySet());
            trained.remove("model.embed_tokens.weight");
            assertOnlyChanged(before, after, trained);
        }
    }

    @Test
    void featureExtractionOnATiedModelUntiesAndTrainsOnlyTheHead() {
        Map<String, float[]> before = values(mistral.model());
        try (TrainingResult r = new Trainer(mistral).train(partial(PartialTuning.featureExtraction()),
                TrainerTest.data(4, 4), List.of(), null, null)) {
            assertFalse(r.model().config().tieWordEmbeddings(), "the tuned model has its own head");
            Map<String, float[]> after = values(r.model());
            assertTrue(after.containsKey("lm_head.weight"));
            assertOnlyChanged(before, after, Set.of("lm_head.weight"));
            assertArrayEquals(before.get("model.embed_tokens.weight"), after.get("model.embed_tokens.weight"), 0f);
            assertTrue(r.lossCurve().get(2) < r.lossCurve().get(0), "the head learns: " + r.lossCurve());
        }
        assertTrue(mistral.config().tieWordEmbeddings(), "the base stays tied");
        Map<String, float[]> baseAfter = values(mistral.model());
        before.forEach((k, v) -> assertArrayEquals(v, baseAfter.get(k), 0f, k));
    }

    @Test
    void partialRunsKeepTheBestValidationState() {
        List<TrainingExample> d = TrainerTest.data(4, 4);
        TrainingConfig diverging = partial(PartialTuning.topLayers(1))
                .withOptimizer(5.0, 0, 0, TrainingConfig.Schedule.CONSTANT, 0).withDuration(0, 6).withValidation(1, 0);
        try (TrainingResult r = new Trainer(llama).train(diverging, d, d, null, null)) {
            ValidationMetrics best = r.bestValidation();
            assertEquals(r.validations().stream().mapToDouble(ValidationMetrics::loss).min().orElseThrow(), best.loss(), 0);
            try (NDManager scope = llama.model().manager().newSubManager()) {
                long[][] ids = {{1, 20, 30, 10, 17, 2}};
                float[] tuned = r.model().forward(scope, ids).toFloatArray();
                float[] base = llama.model().forward(scope, ids).toFloatArray();
                if (r.bestStep() == 0) {
                    assertArrayEquals(base, tuned, 0f, "no step improved: the starting weights are returned");
                } else {
                    assertFalse(java.util.Arrays.equals(base, tuned));
                }
            }
        }
    }

    @Test
    void aBaseInHalfPrecisionKeepsItsCopiesAndTheTrainedModelRunsInF32() throws Exception {
        try (LanguageModel half = LanguageModel.load(tmp.resolve("llama"))) {
            half.model().setHalfPrecisionInference(true);
            try (TrainingResult r = new Trainer(half).train(partial(PartialTuning.topLayers(1)), TrainerTest.data(4, 4),
                    List.of(), null, null)) {
                assertFalse(r.model().halfPrecisionInference(), "no stale F16 copies of the trained tensors");
            }
            assertTrue(half.model().halfPrecisionInference(), "the base keeps its F16 copies");
            try (NDManager scope = half.model().manager().newSubManager()) {
                assertEquals(TinyCheckpoints.VOCAB * 2, half.model().forward(scope, new long[][] {{1, 5}}).toFloatArray().length);
            }
        }
    }

    @Test
    void tooManyLayersIsRefusedNamingTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(llama)
                .train(partial(PartialTuning.topLayers(3)), TrainerTest.data(4, 4), List.of(), null, null));
        assertTrue(e.getMessage().contains("topLayers") && e.getMessage().contains("between 1 and 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PartialTuning.topLayers(0));
    }

    @Test
    void trainableCountsAndMemoryFollowTheMethod() {
        LlamaConfig c = TinyCheckpoints.mistral();
        long h = c.hiddenSize();
        long layer = (c.parameterCount() - (long) c.vocabSize() * h - h) / c.numHiddenLayers();
        assertEquals(layer + h, PartialTuning.topLayers(1).trainableParameters(c));
        assertEquals((long) c.vocabSize() * h, PartialTuning.featureExtraction().trainableParameters(c));
        assertEquals(List.of("lm_head.weight"), PartialTuning.featureExtraction().trainedTensors(c));
        LlamaConfig untied = TinyCheckpoints.llama();
        assertEquals(2 * (long) untied.vocabSize() * untied.hiddenSize() + untied.hiddenSize()
                        + (untied.parameterCount() - 2L * untied.vocabSize() * untied.hiddenSize() - untied.hiddenSize()),
                PartialTuning.topLayers(2).trainableParameters(untied) + (long) untied.vocabSize() * untied.hiddenSize(),
                "all layers + norm + head = everything but the embeddings");

        long tokens = 8 * 64;
        MemoryEstimate full = MemoryEstimate.training(c, c.parameterCount(), true, tokens, 64, 8, 1L << 40);
        MemoryEstimate top = MemoryEstimate.partial(c, PartialTuning.topLayers(1), tokens, 64, 8, 1L << 40);
        MemoryEstimate head = MemoryEstimate.partial(c, PartialTuning.featureExtraction(), tokens, 64, 8, 1L << 40);
        assertEquals(PartialTuning.topLayers(1).trainableParameters(c) * 4 * 5, top.trainableStateBytes());
        assertEquals(0, top.modelCopyBytes(), "frozen weights are shared, not copied");
        assertTrue(head.activationBytes() < top.activationBytes(), "no layer activations when only the head trains");
        assertTrue(top.requiredBytes() < full.requiredBytes());
    }

    @Test
    void saveMergeAndReloadGiveTheTunedLogits() throws Exception {
        for (LanguageModel base : List.of(llama, mistral)) {
            for (PartialTuning tuning : List.of(PartialTuning.topLayers(1), PartialTuning.featureExtraction())) {
                Path dir = Files.createTempDirectory(tmp, "partial");
                try (TrainingResult r = new Trainer(base).train(partial(tuning), TrainerTest.data(4, 4), List.of(),
                        null, null);
                        NDManager scope = base.model().manager().newSubManager()) {
                    long[][] ids = {{1, 20, 30, 10, 17, 2}, {1, 5, 6, 7, 8, 9}};
                    float[] expected = r.model().forward(scope, ids).toFloatArray();
                    try (PartialWeights saved = PartialWeights.of(tuning, base.config(), r.model(), "tiny", scope)) {
                        saved.save(dir.resolve("partial"), base.config());
                    }
                    Map<String, SafeTensors.Entry> header = SafeTensors.readHeader(dir.resolve("partial").resolve(PartialWeights.WEIGHTS_FILE));
                    assertEquals(tuning.trainedTensors(base.config()), List.copyOf(header.keySet()),
                            "only the changed tensors are saved, with Hugging Face names");

                    try (PartialWeights loaded = PartialWeights.load(dir.resolve("partial"), scope);
                            LanguageModel view = base.withPartialWeights(loaded)) {
                        assertArrayEquals(expected, view.model().forward(scope, ids).toFloatArray(), 0f,
                                "base + changed tensors (shared weights) = tuned");
                    }

                    MergedModelWriter.write(base.directory(), dir.resolve("partial"), dir.resolve("merged"));
                    var config = new ObjectMapper().readTree(dir.resolve("merged").resolve("config.json").toFile());
                    boolean untied = tuning.untiesHead(base.config());
                    assertEquals(base.config().tieWordEmbeddings() && !untied, config.path("tie_word_embeddings").asBoolean());
                    assertTrue(Files.isRegularFile(dir.resolve("merged").resolve("tokenizer.json")));
                    assertEquals(!config.path("tie_word_embeddings").asBoolean(), SafeTensors
                            .readHeader(dir.resolve("merged").resolve("model.safetensors")).containsKey("lm_head.weight"));
                    try (LanguageModel merged = LanguageModel.load(dir.resolve("merged"))) {
                        assertArrayEquals(expected, merged.model().forward(scope, ids).toFloatArray(), 0f,
                                "merged model directory = tuned, " + tuning.describe() + " on " + base.config().architecture());
                    }
                }
            }
        }
    }
}
