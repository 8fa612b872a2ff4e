package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the engine against golden.json, computed by an independent PyTorch forward pass of stories260k. */
class Stories260kGoldenTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    static LanguageModel lm;
    static JsonNode golden;

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedModels.stories260k();
        assumeTrue(dir != null, "../shared/models/stories260k absent: skipping golden tests");
        lm = LanguageModel.load(dir);
        golden = new ObjectMapper().readTree(Files.readString(dir.resolve("golden.json")));
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    static long[] ids(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }

    @Test
    void tokenizerMatchesGoldenIds() {
        JsonNode p = golden.path("prompt");
        assertArrayEquals(ids(p.path("ids")), lm.tokenizer().encode(p.path("text").asText(), true));
    }

    @Test
    void promptLogitsAndLossMatch() {
        JsonNode p = golden.path("prompt");
        long[] ids = ids(p.path("ids"));
        try (NDManager scope = lm.model().manager().newSubManager()) {
            NDArray logits = lm.model().forward(scope, new long[][] {ids}); // (1, T, V)
            float[] last = logits.get(new NDIndex("0, -1")).toFloatArray();
            JsonNode expected = p.path("last_logits");
            assertEquals(expected.size(), last.length);
            double maxDiff = 0;
            for (int i = 0; i < last.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(last[i] - expected.get(i).asDouble()));
            }
            assertEquals(0, maxDiff, 1e-4, "max |logit - golden|");
            long[] argmax = logits.get(new NDIndex("0")).argMax(1).toLongArray();
            assertArrayEquals(ids(p.path("argmax_per_position")), argmax);
            long[][] labels = new long[1][ids.length];
            for (int j = 0; j < ids.length; j++) {
                labels[0][j] = j + 1 < ids.length ? ids[j + 1] : Losses.IGNORE_INDEX;
            }
            NDArray hidden = lm.model().hiddenStates(scope.create(new long[][] {ids}), null, null, null, false);
            float loss = Losses.crossEntropy(lm.model(), hidden, labels, false).loss().getFloat();
            assertEquals(p.path("mean_next_token_loss").asDouble(), loss, 1e-5);
        }
    }
}
