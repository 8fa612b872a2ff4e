package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activation checkpointing with a chunked loss must give the same loss and LoRA gradients as plain autograd. */
class CheckpointedBackwardTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }


    private static List<float[]> gradients(LoraAdapter adapter) {
        List<float[]> out = new ArrayList<>();
        try (NDManager tmp = NDManager.newBaseManager("PyTorch")) {
            for (NDArray p : adapter.parameters()) {
                NDArray g = p.getGradient();
                g.attach(tmp);
                out.add(g.toFloatArray());
                Torch.zeroGrad(p);
            }
        }
        return out;
    }

    @Test
    void matchesPlainAutograd() {
        for (LlamaConfig config : TinyCheckpoints.all()) {
            try (NDManager root = NDManager.newBaseManager("PyTorch");
                    LlamaForCausalLM model = LlamaForCausalLM.random(config, 4, root, 0.2f);
                    LoraAdapter adapter = LoraAdapter.create(model, new LoraConfig(4, 8, 0.0, LoraConfig.ALL_LINEAR, "t"), 2)) {
                LoraAdapterTest.perturb(adapter, 5);
                adapter.setRequiresGradient(true);
                long[][] ids = {{1, 5, 9, 13, 17, 21, 25, 29}, {1, 6, 10, 14, 18, 2, 2, 2}};
                boolean[][] mask = {{true, true, true, true, true, true, true, true}, {true, true, true, true, true, false, false, false}};
                long[][] labels = new long[2][8];
                for (int r = 0; r < 2; r++) {
                    for (int j = 0; j < 8; j++) {
                        labels[r][j] = j >= 2 && j + 1 < 8 && mask[r][j + 1] ? ids[r][j + 1] : Losses.IGNORE_INDEX;
                    }
                }
                double plainLoss;
                boolean prev = Torch.setGradMode(true);
                try (NDManager s = root.newSubManager(); AdapterBatch ab = AdapterBatch.uniform(s, adapter, 2)) {
                    NDArray hidden = model.hiddenStates(s.create(ids), mask, ab, false);
                    Losses.Result r = Losses.crossEntropy(model, hidden, labels, false);
                    Torch.backward(r.loss());
                    plainLoss = r.loss().getFloat();
                } finally {
                    Torch.setGradMode(prev);
                }
                List<float[]> plain = gradients(adapter);
                // every layer recomputed, the top one kept from the first pass, every layer kept
                for (int kept : new int[] {0, 1, config.numHiddenLayers()}) {
                    LlamaForCausalLM.LossResult ck;
                    try (NDManager s = root.newSubManager(); AdapterBatch ab = AdapterBatch.uniform(s, adapter, 2)) {
                        ck = model.checkpointedLossAndBackward(s.create(ids), mask, labels, ab, 1f, 0, 3, kept);
                    }
                    List<float[]> checkpointed = gradients(adapter);
                    assertEquals(plainLoss, ck.loss(), 1e-5);
                    double maxAbs = 0;
                    double maxDiff = 0;
                    for (int i = 0; i < plain.size(); i++) {
                        for (int k = 0; k < plain.get(i).length; k++) {
                            maxAbs = Math.max(maxAbs, Math.abs(plain.get(i)[k]));
                            maxDiff = Math.max(maxDiff, Math.abs(plain.get(i)[k] - checkpointed.get(i)[k]));
                        }
                    }
                    assertTrue(maxAbs > 1e-4, "gradients must be non-trivial");
                    assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), config.architecture() + ", " + kept
                            + " layers kept: max grad diff " + maxDiff + " (max |g| " + maxAbs + ")");
                }
                adapter.setRequiresGradient(false);
            }
        }
    }
    /** With trained base tensors (top layers, head) instead of an adapter, the gradients match plain autograd too. */
    @Test
    void partialTuningMatchesPlainAutograd() throws ModelLoadException {
        for (LlamaConfig config : TinyCheckpoints.all()) {
            for (PartialTuning tuning : List.of(PartialTuning.topLayers(1), PartialTuning.featureExtraction())) {
                try (NDManager root = NDManager.newBaseManager("PyTorch");
                        LlamaForCausalLM base = LlamaForCausalLM.random(config, 4, root, 0.2f)) {
                    java.util.Map<String, NDArray> copies = new java.util.LinkedHashMap<>();
                    java.util.Map<String, NDArray> state = base.stateDict();
                    for (String name : tuning.trainedTensors(config)) {
                        NDArray src = state.getOrDefault(name, state.get("model.embed_tokens.weight"));
                        copies.put(name, root.create(src.toFloatArray(), src.getShape()));
                    }
                    LlamaForCausalLM model = base.withTensors(tuning.tunedConfig(config), copies);
                    List<NDArray> params = tuning.trainedTensors(config).stream().map(model.stateDict()::get).toList();
                    params.forEach(p -> p.setRequiresGradient(true));
                    long[][] ids = {{1, 5, 9, 13, 17, 21}, {1, 6, 10, 14, 2, 2}};
                    boolean[][] mask = {{true, true, true, true, true, true}, {true, true, true, true, false, false}};
                    long[][] labels = {{-100, 9, 13, 17, 21, -100}, {-100, 10, 14, -100, -100, -100}};
                    double plainLoss;
                    boolean prev = Torch.setGradMode(true);
                    try (NDManager s = root.newSubManager()) {
                        NDArray hidden = model.hiddenStates(s.create(ids), mask, null, false);
                        Losses.Result r = Losses.crossEntropy(model, hidden, labels, false);
                        Torch.backward(r.loss());
                        plainLoss = r.loss().getFloat();
                    } finally {
                        Torch.setGradMode(prev);
                    }
                    List<float[]> plain = gradients(params);
                    for (int kept : new int[] {0, 1, config.numHiddenLayers()}) {
                        LlamaForCausalLM.LossResult ck;
                        try (NDManager s = root.newSubManager()) {
                            ck = model.checkpointedLossAndBackward(s.create(ids), mask, labels, null, 1f, 0, 2, kept);
                        }
                        List<float[]> checkpointed = gradients(params);
                        assertEquals(plainLoss, ck.loss(), 1e-5);
                        for (int i = 0; i < plain.size(); i++) {
                            float[] a = plain.get(i);
                            float[] b = checkpointed.get(i);
                            double maxAbs = 0;
                            for (int k = 0; k < a.length; k++) {
                                maxAbs = Math.max(maxAbs, Math.abs(a[k]));
                                assertEquals(a[k], b[k], 1e-5, tuning.describe() + " " + config.architecture() + ", " + kept
                                        + " layers kept, tensor " + i);
                            }
                            assertTrue(maxAbs > 0, "gradient of every trained tensor is non-zero");
                        }
                    }
                    assertTrue(!base.embedTokens.hasGradient(), "the base embeddings never require gradients");
                }
            }
        }
    }

    private static List<float[]> gradients(List<NDArray> params) {
        List<float[]> out = new ArrayList<>();
        try (NDManager tmp = NDManager.newBaseManager("PyTorch")) {
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(tmp);
                out.add(g.toFloatArray());
                Torch.zeroGrad(p);
            }
        }
        return out;
    }
}
