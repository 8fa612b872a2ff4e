package dev.personaforge.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.personaforge.basemodel.BaseModelRegistry;
import dev.personaforge.common.ConflictException;
import dev.personaforge.model.LanguageModel;
import dev.personaforge.model.LoraAdapter;
import dev.personaforge.model.MergedModelWriter;
import dev.personaforge.persona.Persona;
import dev.personaforge.persona.PersonaService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packages what a succeeded run produced for use elsewhere: its PEFT adapter (with the chat template and system
 * prompt it was trained with), the merged model as a Hugging Face directory, and the dataset snapshot.
 */
@ApplicationScoped
public class RunExport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Inject
    RunService runs;

    @Inject
    PersonaService personas;

    @Inject
    BaseModelRegistry models;

    /** The files of one download: a name for the browser and a writer of the bytes. */
    public record Download(String fileName, String contentType, Writer writer) {}

    /** Writes a download's bytes. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * The adapter as a zip: PEFT's {@code adapter_config.json} and {@code adapter_model.safetensors}, the chat
     * template the run trained with ({@code chat_template.jinja}), the system prompt, and {@code persona_forge.json}
     * (run, persona, settings, metrics). 409 for a run without an adapter (failed, running, or full fine-tuning).
     */
    public Download adapter(long runId) throws IOException {
        TrainingRun run = succeeded(runId);
        Path adapterDir = adapterDir(run);
        if (adapterDir == null) {
            throw new ConflictException("Run #" + run.id + " trained the model's own weights (" + runs.settings(run).method()
                    + "), so it has no LoRA adapter; download the merged model instead.");
        }
        String chatTemplate = withBase(run, lm -> lm.chatTemplate().source());
        Map<String, Object> about = about(run);
        String name = baseName(run) + "-adapter.zip";
        return new Download(name, "application/zip", out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                file(zip, LoraAdapter.CONFIG_FILE, adapterDir.resolve(LoraAdapter.CONFIG_FILE));
                file(zip, LoraAdapter.WEIGHTS_FILE, adapterDir.resolve(LoraAdapter.WEIGHTS_FILE));
                text(zip, "chat_template.jinja", chatTemplate);
                text(zip, "system_prompt.txt", run.systemPrompt == null ? "" : run.systemPrompt);
                text(zip, "persona_forge.json", JSON.writeValueAsString(about));
                text(zip, "README.md", readme(run, about));
            }
        });
    }

    /**
     * The tuned model as a zip of a Hugging Face model directory (config, F32 safetensors, tokenizer files): the
     * adapter merged into the base weights, or the fully fine-tuned weights. The merged directory is built once
     * and kept next to the run's output.
     */
    public Download mergedModel(long runId) throws IOException {
        TrainingRun run = succeeded(runId);
        Path dir = mergedDir(run);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        String name = baseName(run) + "-model.zip";
        return new Download(name, "application/zip", out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Path f : files) {
                    file(zip, f.getFileName().toString(), f);
                }
                text(zip, "system_prompt.txt", run.systemPrompt == null ? "" : run.systemPrompt);
            }
        });
    }

    /** The exact pairs the run trained and validated on, as JSONL the importer reads back (with their split). */
    public Download dataset(long runId) {
        TrainingRun run = runs.get(runId);
        List<RunPair> pairs = runs.snapshotPairs(runId);
        String name = baseName(run) + "-dataset.jsonl";
        return new Download(name, "application/x-ndjson", out -> {
            ObjectMapper line = new ObjectMapper();
            for (RunPair p : pairs) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", p.prompt);
                row.put("completion", p.completion);
                row.put("split", p.validation ? "validation" : "train");
                out.write(line.writeValueAsBytes(row));
                out.write('\n');
            }
        });
    }

    /** The merged (or fully fine-tuned) model directory of a succeeded run, built on first use. */
    Path mergedDir(TrainingRun run) throws IOException {
        Path output = Path.of(run.outputDir);
        Path full = output.resolve("model");
        if (Files.isRegularFile(full.resolve("config.json"))) {
            return full;
        }
        Path merged = output.resolve("merged");
        if (Files.isRegularFile(merged.resolve("model.safetensors"))) {
            return merged;
        }
        Path staging = output.resolve("merged.staging");
        dev.personaforge.common.Folders.deleteTree(staging);
        Path partial = output.resolve("partial");
        if (Files.isRegularFile(partial.resolve("model.safetensors"))) {
            Path baseDir = models.directory(run.baseModel).orElseThrow(() -> new ConflictException(
                    "The base model " + run.baseModel + " is not on this machine, so the merged model can't be built."));
            MergedModelWriter.write(baseDir, partial, staging);
            Files.move(staging, merged, StandardCopyOption.ATOMIC_MOVE);
            return merged;
        }
        Path adapterDir = adapterDir(run);
        if (adapterDir == null) {
            throw new ConflictException("Run #" + run.id + " has neither an adapter nor a model to export.");
        }
        withBase(run, lm -> {
            try (LoraAdapter adapter = lm.loadAdapter(adapterDir)) {
                lm.mergeAndSave(adapter, staging);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
        Files.move(staging, merged, StandardCopyOption.ATOMIC_MOVE);
        return merged;
    }

    private TrainingRun succeeded(long runId) {
        TrainingRun run = runs.get(runId);
        if (run.status != RunStatus.SUCCEEDED || run.outputDir == null) {
            throw new ConflictException("Run #" + run.id + " is " + run.status.label().toLowerCase()
                    + "; only a succeeded run has something to export.");
        }
        return run;
    }

    private static Path adapterDir(TrainingRun run) {
        Path dir = Path.of(run.outputDir).resolve("adapter");
        return Files.isRegularFile(dir.resolve(LoraAdapter.WEIGHTS_FILE)) ? dir : null;
    }

    private <T> T withBase(TrainingRun run, java.util.function.Function<LanguageModel, T> use) throws IOException {
        try (BaseModelRegistry.Lease lease = models.lease(run.baseModel).join()) {
            return use.apply(lease.model());
        } catch (CompletionException e) {
            throw new ConflictException("The base model " + run.baseModel + " can't be loaded: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Map<String, Object> about(TrainingRun run) {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("run_id", run.id);
        Persona persona = personas.get(run.personaId);
        about.put("persona", persona.name);
        about.put("base_model", run.baseModel);
        about.put("system_prompt", run.systemPrompt);
        about.put("dataset_sha256", run.datasetHash);
        about.put("train_pairs", run.trainCount);
        about.put("validation_pairs", run.validationCount);
        about.put("settings", runs.settings(run));
        about.put("finished_at", run.finishedAt == null ? null : run.finishedAt.toString());
        if (run.importedFrom != null) {
            about.put("imported_from", run.importedFrom);
        }
        return about;
    }

    private static String readme(TrainingRun run, Map<String, Object> about) {
        return "# " + about.get("persona") + " — LoRA adapter (Persona Forge run #" + run.id + ")\n\n"
                + "A PEFT LoRA adapter for `" + run.baseModel + "`.\n\n"
                + "- `adapter_config.json`, `adapter_model.safetensors`: load with PEFT "
                + "(`PeftModel.from_pretrained(base, dir)`), or serve with vLLM (`--enable-lora --lora-modules "
                + "persona=dir`) or LoRAX (`adapter_id=dir`).\n"
                + "- `chat_template.jinja`: the chat template the adapter was trained with.\n"
                + "- `system_prompt.txt`: the system prompt every training example began with; send it as the "
                + "system message.\n"
                + "- `persona_forge.json`: the run's settings and dataset hash.\n";
    }

    private static String baseName(TrainingRun run) {
        return "run-" + run.id;
    }

    private static void file(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    private static void text(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
