package dev.personaforge.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.GenerationResult;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.LlamaForCausalLM;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.model.Torch;
import dev.personaforge.training.TokenizedExample;
import dev.personaforge.training.Trainer;
import dev.personaforge.training.TrainingConfig;
import dev.personaforge.training.TrainingResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures the engine on random-weight models of real shapes and writes JSON: LoRA training
 * tokens/s, prefill tokens/s, decode tokens/s at batch 1 and for a base+adapter pair, time to first
 * token and peak RSS.
 *
 * <p>Usage: {@code EngineBench [--model smollm2-135m|qwen2.5-0.5b] [--out FILE] [--train-steps N]
 * [--decode-tokens N] [--decode-rounds N] [--threads N] [--no-train] [--half] [--no-kernels]}. See docs/engine.md.
 */
public final class EngineBench {

    /** Named shapes, as published in the models' config.json files. */
    static final Map<String, LlamaConfig> SHAPES = Map.of(
            "smollm2-135m", new LlamaConfig("LlamaForCausalLM", 576, 1536, 30, 9, 3, 64, 49152, 8192, 1e-5, 100000.0,
                    null, true, false, false, false, 1, List.of(2)),
            "qwen2.5-0.5b", new LlamaConfig("Qwen2ForCausalLM", 896, 4864, 24, 14, 2, 64, 151936, 32768, 1e-6, 1000000.0,
                    null, true, true, false, false, 151643, List.of(151645)));

    private EngineBench() {}

    public static void main(String[] args) throws Exception {
        String name = "smollm2-135m";
        Path out = null;
        // a real run takes hundreds of steps: measure past the first, whose allocations all fault in fresh pages
        int trainSteps = 8;
        int decodeTokens = 64;
        // the machine's speed drifts by a third from one minute to the next: more rounds steady the medians
        int decodeRounds = 15;
        boolean train = true;
        boolean half = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> name = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--train-steps" -> trainSteps = Integer.parseInt(args[++i]);
                case "--decode-tokens" -> decodeTokens = Integer.parseInt(args[++i]);
                case "--decode-rounds" -> decodeRounds = Integer.parseInt(args[++i]);
                case "--threads" -> Torch.setThreads(Integer.parseInt(args[++i]));
                case "--no-train" -> train = false;
                case "--half" -> half = true;
                case "--no-kernels" -> Torch.setVectorKernels(false);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --model NAME --out FILE --train-steps N --decode-tokens N --decode-rounds N --threads N --no-train --half --no-kernels)");
            }
        }
        LlamaConfig config = SHAPES.get(name);
        if (config == null) {
            throw new IllegalArgumentException("unknown model shape " + name + " (known: " + SHAPES.keySet() + ")");
        }
        ObjectNode json = run(name, config, train ? trainSteps : 0, decodeTokens, decodeRounds, half);
        String text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
        System.out.println(text);
        if (out != null) {
            Files.writeString(out, text);
        }
    }

    /** Training steps timed but left out of the mean: the first ones grow the allocator's arenas (page faults). */
    static final int TRAIN_WARMUP_STEPS = 2;

    static ObjectNode run(String name, LlamaConfig config, int trainSteps, int decodeTokens, int decodeRounds, boolean half)
            throws IOException {
        Torch.init();
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model", name);
        json.put("parameters", config.parameterCount());
        json.put("date", Instant.now().toString());
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("load_average_at_start", loadAverage());
        Random random = new Random(1);
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM model = LlamaForCausalLM.random(config, 1, root)) {
            json.put("rss_after_load_bytes", rss("VmRSS"));

            json.put("torch_threads", Torch.threads());
            // LoRA training: batch 8 x 256 tokens, r 8, all seven projections, loss on every position.
            resetPeakRss();
            if (trainSteps > 0) {
            List<TokenizedExample> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                batch.add(new TokenizedExample(randomIds(random, 256, config.vocabSize()), 1, false));
            }
            TrainingConfig tc = TrainingConfig.defaults()
                    .withLora(8, 16, 0.05, LoraConfig.ALL_LINEAR)
                    .withBatching(8, 1, 256)
                    .withDuration(0, trainSteps + TRAIN_WARMUP_STEPS)
                    .withValidation(0, 0);
            List<Double> stepSeconds = new ArrayList<>();
            long[] last = {System.nanoTime()};
            try (TrainingResult r = new Trainer(model, 0, name).trainTokenized(tc, batch, List.of(), p -> {
                long now = System.nanoTime();
                stepSeconds.add((now - last[0]) / 1e9);
                last[0] = now;
                System.err.printf("train step %d: %.2f s, loss %.3f%n", p.step(), stepSeconds.get(stepSeconds.size() - 1), p.loss());
            }, null)) {
                double measured = stepSeconds.subList(TRAIN_WARMUP_STEPS, stepSeconds.size()).stream()
                        .mapToDouble(Double::doubleValue).average().orElse(0);
                json.put("train_lora_tokens_per_s", round(8 * 256 / measured));
                json.put("train_step_seconds", round(measured));
                json.put("train_steps_measured", stepSeconds.size() - TRAIN_WARMUP_STEPS);
                json.put("train_warmup_steps", TRAIN_WARMUP_STEPS);
                ArrayNode allSteps = json.putArray("train_step_seconds_all");
                stepSeconds.forEach(t -> allSteps.add(round(t)));
                json.put("train_memory_estimate_bytes", r.memoryEstimate().requiredBytes());
            }
            json.put("train_peak_rss_bytes", rss("VmHWM"));
            }

            resetPeakRss();
            model.setHalfPrecisionInference(half);
            json.put("inference_precision", half ? "f16" : "f32");
            json.put("decode_kernels", half && Torch.vectorKernels() ? "java-vector-api" : "libtorch");
            Generator gen = new Generator(model, null, List.of());
            long[] prompt256 = randomIds(random, 256, config.vocabSize());
            gen.generate(new GenerationRequest(prompt256, null, SamplingParams.greedy(1)));
            double ttft = 0;
            int reps = 3;
            for (int i = 0; i < reps; i++) {
                GenerationResult r = gen.generate(new GenerationRequest(prompt256, null, SamplingParams.greedy(1)));
                ttft += r.timeToFirstTokenNanos() / 1e9 / reps;
            }
            json.put("time_to_first_token_s_256_prompt", round(ttft));
            json.put("prefill_tokens_per_s", round(256 / ttft));

            long[] shortPrompt = randomIds(random, 16, config.vocabSize());
            GenerationRequest single = new GenerationRequest(shortPrompt, null, SamplingParams.greedy(decodeTokens));
            try (LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.defaults(name), 3)) {
                randomizeB(adapter, model.manager());
                List<GenerationRequest> pair = List.of(single,
                        new GenerationRequest(shortPrompt, adapter, SamplingParams.greedy(decodeTokens)));
                // The JIT keeps compiling the decoding path (the vector kernels included) for the first 10-15 s of
                // generating: warm up for 20 s (two generations of each kind at least), then alternate batch 1 and
                // the pair for several rounds and take medians, as the machine's speed drifts from one second to the
                // next.
                long warmUntil = System.nanoTime() + 20_000_000_000L;
                for (int i = 0; i < 2 || System.nanoTime() < warmUntil; i++) {
                    gen.generate(single);
                    gen.generate(pair, null, null);
                }
                ArrayNode singleRuns = json.putArray("decode_batch1_runs_tokens_per_s");
                ArrayNode pairRuns = json.putArray("decode_pair_runs_tokens_per_s");
                ArrayNode ratioRuns = json.putArray("decode_pair_speedup_runs");
                List<Double> singles = new ArrayList<>();
                List<Double> pairs = new ArrayList<>();
                double firstToken = 0;
                List<Double> ratios = new ArrayList<>();
                for (int rep = 0; rep < decodeRounds; rep++) {
                    // every other round the pair goes first, so that neither kind always follows the other
                    List<GenerationResult> rs = rep % 2 == 1 ? gen.generate(pair, null, null) : null;
                    GenerationResult r = gen.generate(single);
                    if (rs == null) {
                        rs = gen.generate(pair, null, null);
                    }
                    singles.add((r.tokenIds().length - 1) / ((r.totalNanos() - r.timeToFirstTokenNanos()) / 1e9));
                    firstToken += r.timeToFirstTokenNanos() / 1e9 / decodeRounds;
                    long firstAll = Math.max(rs.get(0).timeToFirstTokenNanos(), rs.get(1).timeToFirstTokenNanos());
                    long endAll = Math.max(rs.get(0).totalNanos(), rs.get(1).totalNanos());
                    int tokens = rs.get(0).tokenIds().length - 1 + rs.get(1).tokenIds().length - 1;
                    pairs.add(tokens / ((endAll - firstAll) / 1e9));
                    ratios.add(pairs.get(rep) / singles.get(rep));
                    singleRuns.add(round(singles.get(rep)));
                    pairRuns.add(round(pairs.get(rep)));
                    ratioRuns.add(round(ratios.get(rep)));
                }
                double singleTps = median(singles);
                double pairTps = median(pairs);
                json.put("decode_batch1_tokens_per_s", round(singleTps));
                json.put("decode_batch1_time_to_first_token_s", round(firstToken));
                json.put("decode_base_plus_adapter_pair_tokens_per_s", round(pairTps));
                json.put("decode_pair_speedup_vs_batch1", round(pairTps / singleTps));
                json.put("decode_pair_speedup_median_of_rounds", round(median(ratios)));
            }
            json.put("inference_peak_rss_bytes", rss("VmHWM"));
        }
        json.put("load_average_at_end", loadAverage());
        return json;
    }

    private static void randomizeB(LoraAdapter adapter, NDManager parent) {
        for (NDArray p : adapter.parameters()) {
            if (p.getShape().get(1) == adapter.config().r()) {
                try (NDManager tmp = parent.newSubManager()) {
                    NDArray r = tmp.randomNormal(0f, 0.01f, p.getShape(), p.getDataType());
                    p.set(r.toFloatArray());
                }
            }
        }
    }

    private static long[] randomIds(Random random, int n, int vocab) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A field of /proc/self/status in bytes (VmRSS: current, VmHWM: peak since the last reset), or -1. */
    static long rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs), so each phase reports its own peak. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot reset peak RSS (" + e.getMessage() + "); peaks are cumulative");
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
