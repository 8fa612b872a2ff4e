package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA: fresh adapter is a no-op, PEFT format round trip, mixed-adapter batches, merging. */
class LoraAdapterTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    @TempDir
    Path tmp;

    static final long[][] IDS = {{1, 5, 9, 17, 33, 40, 41, 7}};

    /** Gives every lora_B random values so the adapter actually changes the model. */
    static void perturb(LoraAdapter adapter, long seed) {
        Random r = new Random(seed);
        for (String path : adapter.modulePaths()) {
            NDArray b = adapter.pair(path).bT;
            float[] v = new float[(int) b.getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.5);
            }
            b.set(v);
        }
    }

    private static float[] logits(LlamaForCausalLM model, long[][] ids, List<LoraAdapter> perRow) {
        try (NDManager s = model.manager().newSubManager();
                AdapterBatch ab = AdapterBatch.of(s, perRow)) {
            return model.forward(s.create(ids), null, null, ab).toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void freshAdapterLeavesLogitsUnchanged() {
        for (LlamaConfig config : TinyCheckpoints.all()) {
            try (NDManager root = NDManager.newBaseManager("PyTorch");
                    LlamaForCausalLM model = LlamaForCausalLM.random(config, 3, root, 0.2f);
                    LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.defaults("tiny"), 5)) {
                assertEquals(7 * config.numHiddenLayers(), adapter.modulePaths().size());
                float[] base;
                try (NDManager s = root.newSubManager()) {
                    base = model.forward(s, IDS).toFloatArray();
                }
                assertArrayEquals(base, logits(model, IDS, List.of(adapter)), 0f);
                perturb(adapter, 1);
                assertTrue(maxDiff(base, logits(model, IDS, List.of(adapter))) > 1e-3, "perturbed adapter must change logits");
            }
        }
    }

    @Test
    void peftSaveLoadRoundTrip() throws Exception {
        LlamaConfig config = TinyCheckpoints.qwen2();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM model = LlamaForCausalLM.random(config, 3, root, 0.2f);
                LoraAdapter adapter = LoraAdapter.create(model,
                        new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj", "down_proj"), "org/tiny-qwen"), 5)) {
            perturb(adapter, 2);
            Path dir = tmp.resolve("adapter");
            adapter.save(dir);
            JsonNode cfg = new ObjectMapper().readTree(Files.readString(dir.resolve("adapter_config.json")));
            assertEquals("LORA", cfg.path("peft_type").asText());
            assertEquals("CAUSAL_LM", cfg.path("task_type").asText());
            assertEquals(4, cfg.path("r").asInt());
            assertEquals(8.0, cfg.path("lora_alpha").asDouble());
            assertEquals(0.1, cfg.path("lora_dropout").asDouble(), 1e-12);
            assertEquals("org/tiny-qwen", cfg.path("base_model_name_or_path").asText());
            assertEquals(3, cfg.path("target_modules").size());
            Map<String, SafeTensors.Entry> header = SafeTensors.readHeader(dir.resolve("adapter_model.safetensors"));
            assertEquals(3 * 2 * config.numHiddenLayers(), header.size());
            SafeTensors.Entry a = header.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
            SafeTensors.Entry b = header.get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
            assertArrayEquals(new long[] {4, 32}, a.shape());
            assertArrayEquals(new long[] {32, 4}, b.shape());
            assertArrayEquals(new long[] {32, 4}, header.get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
            try (LoraAdapter loaded = LoraAdapter.load(dir, model)) {
                assertEquals(adapter.config(), loaded.config());
                assertArrayEquals(logits(model, IDS, List.of(adapter)), logits(model, IDS, List.of(loaded)), 0f);
            }
        }
    }

    @Test
    void adapterOfWrongShapeIsRejected() throws Exception {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM small = LlamaForCausalLM.random(TinyCheckpoints.mistral(), 3, root, 0.2f);
                LlamaForCausalLM other = LlamaForCausalLM.random(TinyCheckpoints.llama(), 3, root, 0.2f);
                LoraAdapter adapter = LoraAdapter.create(other, LoraConfig.defaults("x"), 1)) {
            Path dir = tmp.resolve("wrong");
            adapter.save(dir);
            String msg = org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class,
                    () -> LoraAdapter.load(dir, small).close()).getMessage();
            assertTrue(msg.contains("lora_") && msg.contains("expected"), msg);
        }
    }

    @Test
    void mixedAdapterBatchMatchesSeparatePasses() {
        LlamaConfig config = TinyCheckpoints.llama();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM model = LlamaForCausalLM.random(config, 3, root, 0.2f);
                LoraAdapter a = LoraAdapter.create(model, LoraConfig.defaults("t"), 5);
                LoraAdapter b = LoraAdapter.create(model, new LoraConfig(2, 4, 0, List.of("o_proj", "up_proj"), "t"), 6)) {
            perturb(a, 3);
            perturb(b, 4);
            long[][] three = {IDS[0], IDS[0], IDS[0]};
            float[] mixed = logits(model, three, Arrays.asList(null, a, b));
            int n = mixed.length / 3;
            float[] base;
            try (NDManager s = root.newSubManager()) {
                base = model.forward(s, IDS).toFloatArray();
            }
            assertEquals(0, maxDiff(base, Arrays.copyOfRange(mixed, 0, n)), 1e-5);
            assertEquals(0, maxDiff(logits(model, IDS, List.of(a)), Arrays.copyOfRange(mixed, n, 2 * n)), 1e-4);
            assertEquals(0, maxDiff(logits(model, IDS, List.of(b)), Arrays.copyOfRange(mixed, 2 * n, 3 * n)), 1e-4);

            Generator gen = new Generator(model, null, List.of());
            List<GenerationRequest> reqs = new ArrayList<>();
            for (LoraAdapter ad : Arrays.asList(null, a, b)) {
                reqs.add(new GenerationRequest(new long[] {1, 5, 9}, ad, SamplingParams.greedy(10)));
            }
            List<GenerationResult> together = gen.generate(reqs, null, null);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(gen.generate(reqs.get(i)).tokenIds(), together.get(i).tokenIds(), "row " + i);
            }
        }
    }

    @Test
    void mergeAndSaveMatchesAdapterForward() throws Exception {
        Path base = tmp.resolve("base");
        TinyCheckpoints.write(base, TinyCheckpoints.qwen2(), SafeTensors.Dtype.F32, false, 9);
        try (LanguageModel lm = LanguageModel.load(base);
                LoraAdapter adapter = LoraAdapter.create(lm.model(), LoraConfig.defaults(base.toString()), 5)) {
            perturb(adapter, 7);
            float[] expected = logits(lm.model(), IDS, List.of(adapter));
            float[] before;
            try (NDManager s = lm.model().manager().newSubManager()) {
                before = lm.model().forward(s, IDS).toFloatArray();
            }
            Path merged = tmp.resolve("merged");
            lm.mergeAndSave(adapter, merged);
            try (NDManager s = lm.model().manager().newSubManager()) {
                assertArrayEquals(before, lm.model().forward(s, IDS).toFloatArray(), 0f, "base weights must not change");
            }
            try (LanguageModel m = LanguageModel.load(merged); NDManager s = m.model().manager().newSubManager()) {
                float[] got = m.model().forward(s, IDS).toFloatArray();
                assertEquals(0, maxDiff(expected, got), 1e-4);
                assertTrue(Files.isRegularFile(merged.resolve("tokenizer.json")));
            }
        }
    }
}
