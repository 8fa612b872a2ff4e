package dev.personaforge.chat;

import ai.djl.ndarray.NDArray;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.LoraConfig;
import dev.personaforge.model.SharedModels;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** The real tiny test model and adapters that visibly change it, for the chat tests. */
final class ChatFixtures {

    /** Run ids far above any a real run gets, so the test directories never collide with training runs. */
    private static final AtomicLong RUN_IDS = new AtomicLong(9_000_000_000L + System.nanoTime() % 1_000_000L * 1000);
    private static final List<Path> CREATED = new ArrayList<>();

    private ChatFixtures() {
    }

    /** Writes a run with a fresh id for the persona (see {@link #writeRun}) and returns the id. */
    static long newRun(Path dataDir, long personaId, String baseModel) throws IOException {
        long runId = RUN_IDS.incrementAndGet();
        Path adapter = writeRun(dataDir, runId, personaId, baseModel, "Run #" + runId + " · test");
        synchronized (CREATED) {
            CREATED.add(adapter.getParent());
        }
        return runId;
    }

    /** Deletes the run directories the tests wrote. */
    static void deleteRuns() throws IOException {
        synchronized (CREATED) {
            for (Path run : CREATED) {
                try (Stream<Path> files = Files.walk(run)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            CREATED.clear();
        }
    }

    /** The stories260k directory; skips the calling test with a clear message when it is absent. */
    static Path stories260k() {
        Path dir = SharedModels.stories260k();
        Assumptions.assumeTrue(dir != null, "stories260k is not in " + SharedModels.sharedDir().toAbsolutePath()
                + "/models; the chat tests that need a real model are skipped");
        return dir.toAbsolutePath().normalize();
    }

    /** A LoRA adapter on every projection whose B weights are random, so the tuned model answers differently. */
    static LoraAdapter perturbedAdapter(LanguageModel model, long seed) {
        LoraAdapter adapter = LoraAdapter.create(model.model(),
                new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEAR, model.directory().toString()), seed);
        Random random = new Random(seed);
        List<NDArray> parameters = adapter.parameters();
        for (int i = 1; i < parameters.size(); i += 2) {
            NDArray b = parameters.get(i);
            float[] values = new float[(int) b.getShape().size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = (float) (random.nextGaussian() * 0.5);
            }
            b.set(values);
        }
        return adapter;
    }

    /**
     * Writes what a finished training run leaves for the chat: {@code runs/<runId>/adapter/} with the PEFT files
     * and {@code run.json}.
     */
    static Path writeRun(Path dataDir, long runId, long personaId, String baseModel, String label) throws IOException {
        Path adapterDir = dataDir.resolve("runs").resolve(Long.toString(runId)).resolve("adapter");
        try (LanguageModel model = LanguageModel.load(Path.of(baseModel));
                LoraAdapter adapter = perturbedAdapter(model, runId)) {
            adapter.save(adapterDir);
        }
        Files.writeString(adapterDir.resolve("run.json"), "{\"personaId\":" + personaId + ",\"label\":\"" + label
                + "\",\"baseModel\":\"" + baseModel.replace("\\", "\\\\") + "\"}");
        return adapterDir;
    }
}
