package dev.personaforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.personaforge.model.Torch;
import dev.personaforge.model.GenerationRequest;
import dev.personaforge.model.Generator;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.SafeTensors;
import dev.personaforge.model.SamplingParams;
import dev.personaforge.model.TinyCheckpoints;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated generations and training runs must not grow native memory or leave arrays behind. */
class MemoryDisciplineTest {
    @BeforeAll
    static void oneTorchThread() {
        // The test machine is shared: with several intra-op threads, OpenMP barriers stall whenever
        // another process holds a core, which makes these small-tensor tests many times slower.
        Torch.setThreads(1);
    }

    @TempDir
    static Path tmp;
    static LanguageModel lm;

    /** Big enough that a leaked KV cache or activation per call would show in RSS. */
    static LlamaConfig config() {
        return new LlamaConfig("LlamaForCausalLM", 96, 192, 2, 4, 2, 24, TinyCheckpoints.VOCAB, 512, 1e-5, 10000.0,
                null, true, false, false, false, 1, List.of(2));
    }

    @BeforeAll
    static void load() throws Exception {
        Path dir = tmp.resolve("mem");
        TinyCheckpoints.write(dir, config(), SafeTensors.Dtype.F32, false, 3);
        lm = LanguageModel.load(dir);
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    static long rssBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    static long directBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    static int arrays(NDManager m) {
        return m.getManagedArrays().size();
    }

    @Test
    void fiveHundredGenerationsDoNotGrowMemory() throws Exception {
        Generator gen = new Generator(lm);
        Random random = new Random(1);
        try (LoraAdapter adapter = LoraAdapter.create(lm.model(), LoraConfig.defaults("mem"), 1)) {
            Runnable one = () -> {
                long[] prompt = new long[24 + random.nextInt(16)];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = 3 + random.nextInt(TinyCheckpoints.VOCAB - 3);
                }
                List<GenerationRequest> reqs = new ArrayList<>();
                reqs.add(new GenerationRequest(prompt, null, SamplingParams.sample(1.0, 20, 0.9, random.nextLong(), 6)));
                if (random.nextBoolean()) {
                    reqs.add(new GenerationRequest(prompt, adapter, SamplingParams.greedy(6)));
                }
                gen.generate(reqs, (r, id, d) -> { }, () -> false);
            };
            // long enough for the Java heap to have touched the memory its collections cycle through, which RSS
            // counts too: with 40 warm-up generations that alone grew RSS by up to 58 MB over the 500
            for (int i = 0; i < 200; i++) {
                one.run();
            }
            settle();
            long rss0 = rssBytes();
            long direct0 = directBytes();
            int arrays0 = arrays(lm.model().manager());
            for (int i = 0; i < 500; i++) {
                one.run();
            }
            settle();
            long grown = rssBytes() - rss0;
            System.out.printf("500 generations: RSS %+.1f MB, direct buffers %+.1f MB%n", grown / 1e6, (directBytes() - direct0) / 1e6);
            assertEquals(arrays0, arrays(lm.model().manager()), "arrays left in the model's manager");
            assertTrue(directBytes() - direct0 < 1_000_000, "direct buffers grew by " + (directBytes() - direct0));
            assertTrue(grown < 48_000_000, "RSS grew by " + grown / 1e6 + " MB over 500 generations");
        }
    }

    @Test
    void threeTrainingRunsDoNotGrowMemory() throws Exception {
        List<TrainingExample> data = TrainerTest.data(8, 12);
        TrainingConfig tc = TrainingConfig.defaults().withLora(8, 16, 0.1, LoraConfig.ALL_LINEAR)
                .withBatching(4, 2, 64).withDuration(0, 6).withValidation(3, 0);
        long[] rss = new long[3];
        int[] counts = new int[3];
        for (int run = 0; run < 3; run++) {
            try (TrainingResult r = new Trainer(lm).train(tc, data, data.subList(0, 4), null, null)) {
                assertEquals(6, r.steps());
            }
            settle();
            rss[run] = rssBytes();
            counts[run] = arrays(lm.model().manager());
        }
        System.out.printf("training runs: RSS after each %.1f / %.1f / %.1f MB%n", rss[0] / 1e6, rss[1] / 1e6, rss[2] / 1e6);
        assertEquals(counts[0], counts[2], "arrays left in the model's manager");
        assertTrue(rss[2] - rss[0] < 48_000_000, "RSS grew by " + (rss[2] - rss[0]) / 1e6 + " MB over two more runs");
    }
}
