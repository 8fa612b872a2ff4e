package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Half-precision inference stays close to the F32 golden values and switches back to exact F32. */
class HalfPrecisionInferenceTest {

    static LanguageModel lm;
    static JsonNode golden;

    @BeforeAll
    static void load() throws Exception {
        Torch.setThreads(1);
        Path dir = SharedModels.stories260k();
        assumeTrue(dir != null, "../shared/models/stories260k absent: skipping half-precision tests");
        lm = LanguageModel.load(dir);
        golden = new ObjectMapper().readTree(Files.readString(dir.resolve("golden.json")));
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    private static double maxLastLogitDiff() {
        JsonNode p = golden.path("prompt");
        long[] ids = Stories260kGoldenTest.ids(p.path("ids"));
        try (NDManager scope = lm.model().manager().newSubManager()) {
            NDArray hidden = lm.model().hiddenStates(scope.create(new long[][] {ids}), null, null, null, false);
            float[] last = lm.model().inferenceLogits(hidden).get(new NDIndex("0, -1")).toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < last.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(last[i] - p.path("last_logits").get(i).asDouble()));
            }
            return maxDiff;
        }
    }

    @Test
    void halfPrecisionIsCloseToF32AndSwitchesBackExactly() {
        lm.model().setHalfPrecisionInference(true);
        try {
            assertTrue(lm.model().halfPrecisionInference());
            double half = maxLastLogitDiff();
            assertTrue(half < 0.05, "F16 logits within 0.05 of the F32 golden values, max diff " + half);
            long[] expected = Stories260kGoldenTest.ids(golden.path("greedy_from_bos").path("ids")); // BOS first
            GenerationResult result = new Generator(lm).generate(
                    new GenerationRequest(new long[] {1}, null, SamplingParams.greedy(40)));
            long[] got = result.tokenIds();
            assertArrayEquals(Arrays.copyOfRange(expected, 1, 21), Arrays.copyOf(got, 20),
                    "greedy decoding in F16 follows the golden ids");
        } finally {
            lm.model().setHalfPrecisionInference(false);
        }
        assertEquals(0, maxLastLogitDiff(), 1e-4, "back to exact F32");
    }
}
