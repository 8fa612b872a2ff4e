package dev.personaforge.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.personaforge.common.ForgeConfig;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.PartialWeights;
import io.quarkus.arc.DefaultBean;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds tuned models by the directory convention training runs write to:
 * {@code <forge.data-dir>/runs/<runId>/adapter/} holds the PEFT adapter files and a {@code run.json} with
 * {@code {"personaId": 3, "label": "Run #12 · 3 epochs · val loss 1.23", "baseModel": "owner/name"}}
 * ({@code run.json} may also sit one level up, in {@code runs/<runId>/}); a fully fine-tuned run has a Hugging Face
 * model directory in {@code model/} and a partial run (top layers, feature extraction) its changed tensors in
 * {@code partial/} ({@code partial.json} + {@code model.safetensors}), served as the base with them in place.
 * Reading the files on every call keeps the chat in step with runs that finish while the app is running.
 * A default bean: another {@link TunedModelSource} (one backed by the runs database, say) replaces it.
 */
@ApplicationScoped
@DefaultBean
public class RunDirectoryTunedModels implements TunedModelSource {

    static final String RUN_FILE = "run.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ForgeConfig config;

    @Override
    public Optional<TunedModel> find(long personaId, long runId) {
        if (runId <= 0) {
            return Optional.empty();
        }
        return read(runsDir().resolve(Long.toString(runId)), runId).filter(t -> t.personaId() == personaId);
    }

    @Override
    public List<TunedModel> list(long personaId) {
        Path runs = runsDir();
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        List<TunedModel> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (name.matches("\\d{1,18}")) {
                    read(dir, Long.parseLong(name)).filter(t -> t.personaId() == personaId).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            Log.warnf("Cannot list %s: %s", runs, e.getMessage());
        }
        found.sort(Comparator.comparingLong(TunedModel::runId).reversed());
        return found;
    }

    private Path runsDir() {
        return config.runsDir();
    }

    private static Optional<TunedModel> read(Path runDir, long runId) {
        Path adapter = runDir.resolve("adapter");
        Path model = runDir.resolve("model");
        boolean hasAdapter = Files.isRegularFile(adapter.resolve(LoraAdapter.CONFIG_FILE))
                && Files.isRegularFile(adapter.resolve(LoraAdapter.WEIGHTS_FILE));
        boolean hasModel = !hasAdapter && Files.isRegularFile(model.resolve("config.json"))
                && Files.isRegularFile(model.resolve("model.safetensors"));
        Path partial = runDir.resolve("partial");
        boolean hasPartial = !hasAdapter && !hasModel && Files.isRegularFile(partial.resolve(PartialWeights.INFO_FILE))
                && Files.isRegularFile(partial.resolve(PartialWeights.WEIGHTS_FILE));
        if (!hasAdapter && !hasModel && !hasPartial) {
            return Optional.empty();
        }
        Path outputDir = hasAdapter ? adapter : hasModel ? model : partial;
        Path runFile = Files.isRegularFile(outputDir.resolve(RUN_FILE)) ? outputDir.resolve(RUN_FILE) : runDir.resolve(RUN_FILE);
        if (!Files.isRegularFile(runFile)) {
            return Optional.empty();
        }
        try {
            JsonNode run = JSON.readTree(Files.readString(runFile));
            if (!run.path("personaId").canConvertToLong() || run.path("baseModel").asText("").isBlank()) {
                Log.warnf("%s lacks personaId or baseModel; the run is not offered for chat", runFile);
                return Optional.empty();
            }
            String label = run.path("label").asText("").isBlank() ? "Run #" + runId : run.path("label").asText();
            String baseModel = run.path("baseModel").asText().strip();
            long personaId = run.path("personaId").asLong();
            return Optional.of(hasAdapter ? new TunedModel(personaId, runId, label, adapter.toAbsolutePath(), baseModel)
                    : hasModel ? new TunedModel(personaId, runId, label, null, baseModel, model.toAbsolutePath())
                    : new TunedModel(personaId, runId, label, null, baseModel, null, partial.toAbsolutePath()));
        } catch (IOException e) {
            Log.warnf("Cannot read %s: %s", runFile, e.getMessage());
            return Optional.empty();
        }
    }
}
