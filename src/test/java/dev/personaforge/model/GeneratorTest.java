package dev.personaforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation on the real stories260k checkpoint: golden greedy ids, sampling, streaming, stops, cancellation. */
class GeneratorTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    static LanguageModel lm;
    static Generator gen;
    static JsonNode golden;
    static final long[] BOS = {1};

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedModels.stories260k();
        assumeTrue(dir != null, "../shared/models/stories260k absent: skipping generation tests");
        lm = LanguageModel.load(dir);
        gen = new Generator(lm);
        golden = new ObjectMapper().readTree(Files.readString(dir.resolve("golden.json")));
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    @Test
    void greedyFromBosReproducesGoldenIds() {
        JsonNode g = golden.path("greedy_from_bos");
        long[] expected = Stories260kGoldenTest.ids(g.path("ids"));
        GenerationResult r = gen.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(g.path("new_tokens").asInt())));
        long[] all = new long[r.tokenIds().length + 1];
        all[0] = 1;
        System.arraycopy(r.tokenIds(), 0, all, 1, r.tokenIds().length);
        assertArrayEquals(expected, all);
        assertEquals(GenerationResult.FinishReason.MAX_TOKENS, r.finishReason());
        assertEquals(g.path("text").asText().strip(), r.text().strip());
    }

    @Test
    void streamedDeltasConcatenateToTheText() {
        StringBuilder streamed = new StringBuilder();
        AtomicInteger calls = new AtomicInteger();
        GenerationResult r = gen.generate(List.of(new GenerationRequest(BOS, null, SamplingParams.sample(1.0, 0, 0.9, 3, 60))),
                (row, id, delta) -> {
                    calls.incrementAndGet();
                    streamed.append(delta);
                }, () -> false).get(0);
        assertEquals(r.tokenIds().length, calls.get());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void logprobsAreTheModelsLogSoftmaxWhateverTheSampling() {
        long[] prompt = {1, 403, 261};
        GenerationRequest greedy = new GenerationRequest(prompt, null, SamplingParams.greedy(6)).withLogprobs(3);
        List<TokenLogprob> streamed = new ArrayList<>();
        GenerationResult r = gen.generate(List.of(greedy), new TokenListener() {
            @Override
            public void onToken(int request, long tokenId, String textDelta) {
                throw new AssertionError("the listener with log-probabilities is called");
            }

            @Override
            public void onToken(int request, long tokenId, String textDelta, TokenLogprob logprob) {
                streamed.add(logprob);
            }
        }, () -> false).get(0);
        assertEquals(r.tokenIds().length, r.logprobs().size());
        assertEquals(r.logprobs(), streamed);

        // The first token's figures equal an independent log-softmax over a plain forward pass of the prompt.
        float[] logits;
        try (ai.djl.ndarray.NDManager scope = lm.model().manager().newSubManager()) {
            float[] all = lm.model().forward(scope, new long[][] {prompt}).toFloatArray(); // (1, T, V)
            int v = lm.config().vocabSize();
            logits = Arrays.copyOfRange(all, (prompt.length - 1) * v, prompt.length * v);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        for (float l : logits) {
            z += Math.exp(l - max);
        }
        TokenLogprob first = r.logprobs().get(0);
        assertEquals(r.tokenIds()[0], first.tokenId());
        assertEquals(logits[(int) first.tokenId()] - max - Math.log(z), first.logprob(), 1e-3);
        for (TokenLogprob lp : r.logprobs()) {
            assertEquals(3, lp.top().size());
            assertTrue(lp.logprob() <= 0);
            // Greedy decoding picks the most likely token, so it heads the alternatives with the same figure.
            assertEquals(lp.tokenId(), lp.top().get(0).tokenId());
            assertEquals(lp.logprob(), lp.top().get(0).logprob(), 1e-9);
            assertTrue(lp.top().get(0).logprob() >= lp.top().get(1).logprob());
            assertTrue(lp.top().get(1).logprob() >= lp.top().get(2).logprob());
        }

        // A hot, seeded draw reports the same distribution (not the tempered one) for the same first position.
        GenerationResult hot = gen.generate(new GenerationRequest(prompt, null, SamplingParams.sample(1.8, 0, 1.0, 7, 1))
                .withLogprobs(0));
        TokenLogprob hotFirst = hot.logprobs().get(0);
        assertEquals(0, hotFirst.top().size());
        assertEquals(logits[(int) hotFirst.tokenId()] - max - Math.log(z), hotFirst.logprob(), 1e-3);
        assertEquals(null, gen.generate(new GenerationRequest(prompt, null, SamplingParams.greedy(2))).logprobs());
    }

    @Test
    void koreanByteFallbackNeverStreamsBrokenCharacters() {
        String korean = "안녕하세요, 오늘은 날씨가 좋네요. 한국어 텍스트 🙂";
        long[] ids = lm.tokenizer().encode(korean, false);
        assertTrue(ids.length > korean.length(), "expected byte-fallback tokens");
        StreamingDecoder decoder = new StreamingDecoder(lm.tokenizer(), List.of());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            String delta = decoder.accept(ids[i], i == ids.length - 1);
            assertFalse(delta.contains("\uFFFD"), "broken character streamed at token " + i);
            assertFalse(!delta.isEmpty() && Character.isHighSurrogate(delta.charAt(delta.length() - 1)));
            byte[] utf8 = delta.getBytes(StandardCharsets.UTF_8);
            assertEquals(delta, new String(utf8, StandardCharsets.UTF_8));
            out.append(delta);
        }
        assertEquals(lm.tokenizer().decode(ids, true), out.toString());
        assertTrue(out.toString().contains("안녕하세요"));
    }

    @Test
    void stopStringEndsTextBeforeIt() {
        String full = gen.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(40))).text();
        int at = full.indexOf("Lily");
        assumeTrue(at > 0, "greedy text has no 'Lily'");
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = gen.generate(List.of(new GenerationRequest(BOS, null,
                SamplingParams.greedy(40).withStopStrings(List.of("Lily")))), (row, id, d) -> streamed.append(d), null).get(0);
        assertEquals(GenerationResult.FinishReason.STOP_STRING, r.finishReason());
        assertEquals(full.substring(0, at), r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void eosEndsGeneration() {
        Generator withEos = new Generator(lm.model(), lm.tokenizer(), List.of(403));
        GenerationResult r = withEos.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(20)));
        assertEquals(GenerationResult.FinishReason.EOS, r.finishReason());
        assertArrayEquals(new long[] {403}, r.tokenIds());
        assertEquals("", r.text());
    }

    @Test
    void cancellationStopsBetweenTokens() {
        AtomicInteger tokens = new AtomicInteger();
        List<GenerationResult> rs = gen.generate(List.of(
                new GenerationRequest(BOS, null, SamplingParams.greedy(100)),
                new GenerationRequest(BOS, null, SamplingParams.greedy(100))),
                (row, id, d) -> tokens.incrementAndGet(), () -> tokens.get() >= 10);
        for (GenerationResult r : rs) {
            assertEquals(GenerationResult.FinishReason.CANCELLED, r.finishReason());
            assertEquals(5, r.tokenIds().length);
        }
    }

    @Test
    void samplingIsSeededAndTopKOneIsGreedy() {
        SamplingParams s = SamplingParams.sample(1.2, 40, 0.95, 42, 40);
        long[] a = gen.generate(new GenerationRequest(BOS, null, s)).tokenIds();
        long[] b = gen.generate(new GenerationRequest(BOS, null, s)).tokenIds();
        long[] c = gen.generate(new GenerationRequest(BOS, null, s.withSeed(43))).tokenIds();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        long[] greedy = gen.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(40))).tokenIds();
        long[] topK1 = gen.generate(new GenerationRequest(BOS, null, SamplingParams.sample(0.7, 1, 1.0, 9, 40))).tokenIds();
        assertArrayEquals(greedy, topK1);
        long[] tinyP = gen.generate(new GenerationRequest(BOS, null, SamplingParams.sample(1.0, 0, 1e-6, 9, 40))).tokenIds();
        assertArrayEquals(greedy, tinyP);
    }

    @Test
    void repetitionPenaltyReducesRepeats() {
        long[] plain = gen.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(150))).tokenIds();
        long[] penalised = gen.generate(new GenerationRequest(BOS, null, SamplingParams.greedy(150).withRepetitionPenalty(1.5))).tokenIds();
        assertNotEquals(Arrays.toString(plain), Arrays.toString(penalised));
        assertTrue(distinct(penalised) > distinct(plain), distinct(penalised) + " vs " + distinct(plain));
    }

    private static long distinct(long[] ids) {
        return Arrays.stream(ids).distinct().count();
    }

    @Test
    void batchOfDifferentPromptsMatchesOneByOne() {
        List<long[]> prompts = new ArrayList<>();
        for (String p : List.of("Once upon a time", "The cat sat on the mat and", "Tom had a red ball.")) {
            prompts.add(lm.tokenizer().encode(p, true));
        }
        List<GenerationRequest> reqs = new ArrayList<>();
        for (long[] p : prompts) {
            reqs.add(new GenerationRequest(p, null, SamplingParams.greedy(30)));
        }
        List<GenerationResult> batch = gen.generate(reqs, null, null);
        for (int i = 0; i < reqs.size(); i++) {
            assertArrayEquals(gen.generate(reqs.get(i)).tokenIds(), batch.get(i).tokenIds(), "row " + i);
        }
    }
}
