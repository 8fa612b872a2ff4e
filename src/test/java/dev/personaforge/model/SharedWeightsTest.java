package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A model made with {@link LlamaForCausalLM#withTensors} shares the unchanged weights and half copies with its base. */
class SharedWeightsTest {
    @BeforeAll
    static void oneTorchThread() {
        Torch.setThreads(1);
    }

    @Test
    void unchangedTensorsAndHalfCopiesAreSharedAndSurviveTheVariant() throws ModelLoadException {
        LlamaConfig config = TinyCheckpoints.mistral();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM base = LlamaForCausalLM.random(config, 9, root, 0.2f);
                NDManager scope = root.newSubManager()) {
            base.setHalfPrecisionInference(true);
            long[][] ids = {{1, 7}};
            float[] before = base.forward(scope, ids).toFloatArray();
            NDArray head = scope.create(base.stateDict().get("model.embed_tokens.weight").toFloatArray(),
                    new ai.djl.ndarray.types.Shape(config.vocabSize(), config.hiddenSize())).mul(0.5f);
            Map<String, NDArray> replaced = new LinkedHashMap<>();
            replaced.put("lm_head.weight", head);
            LlamaForCausalLM variant = base.withTensors(config.withTiedWordEmbeddings(false), replaced);
            assertSame(base.stateDict().get("model.layers.0.mlp.up_proj.weight"),
                    variant.stateDict().get("model.layers.0.mlp.up_proj.weight"), "unchanged tensors are shared");
            assertSame(base.linears().get(0).weightHalf, variant.linears().get(0).weightHalf, "half copies too");
            assertSame(base.linears().get(0).kernel, variant.linears().get(0).kernel, "and the kernels' copies");
            assertTrue(variant.halfPrecisionInference());
            float[] halved = variant.forward(scope, ids).toFloatArray();
            for (int i = 0; i < halved.length; i++) {
                assertTrue(Math.abs(halved[i] - 0.5f * before[i]) <= 1e-4 + 1e-3 * Math.abs(before[i]),
                        "the variant uses its own head: " + halved[i] + " vs " + before[i]);
            }
            variant.setHalfPrecisionInference(false);
            variant.close();
            assertArrayEquals(before, base.forward(scope, ids).toFloatArray(), 0f,
                    "closing the variant leaves the base and its half copies intact");
            assertThrows(ModelLoadException.class, () -> base.withTensors(config, Map.of("lm_head.weight", head)),
                    "a tied config has no lm_head");
        }
    }
}
