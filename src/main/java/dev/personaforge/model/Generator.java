package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Continues a batch of prompts with a KV cache: one left-padded prefill, then one batched step per
 * token. Each row may use its own LoRA adapter (or none) in the same pass over the base weights.
 *
 * <p>Text is streamed per token through a {@link TokenListener}; a delta is only emitted once it
 * forms complete UTF-8 characters (byte-fallback tokens are held back until the character is
 * whole) and cannot be the start of a stop string. On request each token comes with its
 * log-probability and the most likely alternatives ({@link TokenLogprob}). Cancellation is checked
 * between tokens. All native memory of a call is released when it returns.
 */
public final class Generator {
    private final LlamaForCausalLM model;
    private final TextTokenizer tokenizer;
    private final List<Integer> eosTokenIds;

    /** @param tokenizer may be null: then results carry ids only, and stop strings are not supported */
    public Generator(LlamaForCausalLM model, TextTokenizer tokenizer, List<Integer> eosTokenIds) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosTokenIds = List.copyOf(eosTokenIds);
    }

    public Generator(LanguageModel lm) {
        this(lm.model(), lm.tokenizer(), lm.eosTokenIds());
    }

    /** Generates for one request without streaming. */
    public GenerationResult generate(GenerationRequest request) {
        return generate(List.of(request), null, () -> false).get(0);
    }

    private final class Row {
        final GenerationRequest req;
        final TokenSampler sampler;
        final StreamingDecoder decoder;
        final List<Long> generated = new ArrayList<>();
        final Set<Long> seen = new HashSet<>();
        final List<TokenLogprob> logprobs;
        GenerationResult.FinishReason finish;
        long firstTokenAt;
        long finishedAt;

        Row(GenerationRequest req) {
            this.req = req;
            this.sampler = new TokenSampler(req.sampling());
            this.decoder = tokenizer == null ? null : new StreamingDecoder(tokenizer, req.sampling().stopStrings());
            this.logprobs = req.wantsLogprobs() ? new ArrayList<>() : null;
            for (long id : req.promptIds()) {
                seen.add(id);
            }
        }

        long[] generatedIds() {
            return generated.stream().mapToLong(Long::longValue).toArray();
        }

        /** Accepts a token, decides whether the row is finished and returns the text that is safe to stream. */
        String accept(long token, int maxContext) {
            generated.add(token);
            seen.add(token);
            SamplingParams s = req.sampling();
            boolean eos = eosTokenIds.contains((int) token);
            if (eos) {
                finish = GenerationResult.FinishReason.EOS;
            } else if (generated.size() >= s.maxNewTokens()) {
                finish = GenerationResult.FinishReason.MAX_TOKENS;
            } else if (req.promptIds().length + generated.size() >= maxContext) {
                finish = GenerationResult.FinishReason.CONTEXT_LENGTH;
            }
            if (decoder == null) {
                return "";
            }
            if (eos) {
                return decoder.flush();
            }
            String delta = decoder.accept(token, finish != null);
            if (decoder.stopped()) {
                finish = GenerationResult.FinishReason.STOP_STRING;
            }
            return delta;
        }

        String text() {
            return decoder == null ? "" : decoder.text();
        }
    }

    /**
     * Generates for every request in one batch.
     *
     * @param listener called for every token of every row; may be null
     * @param cancelled checked before every step; when it returns true all unfinished rows end with
     *     {@link GenerationResult.FinishReason#CANCELLED}
     */
    public List<GenerationResult> generate(List<GenerationRequest> requests, TokenListener listener, BooleanSupplier cancelled) {
        if (requests.isEmpty()) {
            return List.of();
        }
        long start = System.nanoTime();
        int b = requests.size();
        List<Row> rows = new ArrayList<>();
        int promptLen = 0;
        for (GenerationRequest r : requests) {
            if (tokenizer == null && !r.sampling().stopStrings().isEmpty()) {
                throw new IllegalArgumentException("stop strings need a tokenizer");
            }
            rows.add(new Row(r));
            promptLen = Math.max(promptLen, r.promptIds().length);
        }
        int maxContext = model.config().maxPositionEmbeddings();
        if (promptLen >= maxContext) {
            throw new IllegalArgumentException("prompt of " + promptLen + " tokens does not fit the context of " + maxContext);
        }
        long pad = eosTokenIds.isEmpty() ? 0 : eosTokenIds.get(0);
        long[][] ids = new long[b][promptLen];
        List<boolean[]> mask = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            long[] p = requests.get(r).promptIds();
            int offset = promptLen - p.length;
            Arrays.fill(ids[r], 0, offset, pad);
            System.arraycopy(p, 0, ids[r], offset, p.length);
            boolean[] m = new boolean[promptLen];
            Arrays.fill(m, offset, promptLen, true);
            mask.add(m);
        }
        boolean previousGrad = Torch.setGradMode(false);
        List<LoraAdapter> adapters = new ArrayList<>();
        requests.forEach(r -> adapters.add(r.adapter()));
        try (NDManager scope = model.manager().newSubManager();
                KvCache cache = new KvCache(scope, model.config().numHiddenLayers());
                AdapterBatch adapterBatch = AdapterBatch.of(scope, adapters)) {
            long[][] input = ids;
            while (true) {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    for (Row row : rows) {
                        if (row.finish == null) {
                            row.finish = GenerationResult.FinishReason.CANCELLED;
                            row.finishedAt = System.nanoTime();
                        }
                    }
                    break;
                }
                int vocab = model.config().vocabSize();
                long[][] stepInput = input;
                boolean[][] stepMask = mask.toArray(new boolean[0][]);
                Supplier<float[]> forward = () -> {
                    try (NDManager step = scope.newSubManager()) {
                        NDArray inputIds = step.create(stepInput); // (B, T)
                        NDArray hidden = model.hiddenStates(inputIds, stepMask, cache, adapterBatch.routing(), false); // (B, T, H)
                        NDArray last = hidden.get(new NDIndex(":, -1:, :")); // (B, 1, H)
                        return model.inferenceLogits(last).toFloatArray(); // (B, 1, V) flattened
                    }
                };
                float[] logits = model.decodesWithKernels(b * stepInput[0].length)
                        ? DecodeThread.call(forward)
                        : forward.get();
                long[][] next = new long[b][1];
                boolean anyActive = false;
                for (int r = 0; r < b; r++) {
                    Row row = rows.get(r);
                    if (row.finish != null) {
                        next[r][0] = pad;
                        continue;
                    }
                    float[] rowLogits = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    // Log-probabilities come from the raw logits, before the sampler penalises them in place.
                    float[] rawLogits = row.logprobs == null ? null : rowLogits.clone();
                    long token = row.sampler.next(rowLogits, row.seen);
                    TokenLogprob logprob = null;
                    if (rawLogits != null) {
                        logprob = TokenLogprob.of(rawLogits, token, row.req.topLogprobs());
                        row.logprobs.add(logprob);
                    }
                    next[r][0] = token;
                    if (row.generated.isEmpty()) {
                        row.firstTokenAt = System.nanoTime();
                    }
                    String delta = row.accept(token, maxContext);
                    if (listener != null) {
                        listener.onToken(r, token, delta, logprob);
                    }
                    if (row.finish != null) {
                        row.finishedAt = System.nanoTime();
                    } else {
                        anyActive = true;
                    }
                }
                if (!anyActive) {
                    break;
                }
                for (int r = 0; r < b; r++) {
                    boolean[] old = mask.get(r);
                    boolean[] m = Arrays.copyOf(old, old.length + 1);
                    m[old.length] = rows.get(r).finish == null;
                    mask.set(r, m);
                }
                input = next;
            }
        } finally {
            Torch.setGradMode(previousGrad);
        }
        List<GenerationResult> results = new ArrayList<>();
        for (Row row : rows) {
            results.add(new GenerationResult(row.generatedIds(), row.text(), row.finish, row.req.promptIds().length,
                    row.firstTokenAt == 0 ? 0 : row.firstTokenAt - start, row.finishedAt - start, row.logprobs));
        }
        return results;
    }
}
