package dev.personaforge.basemodel;

import dev.personaforge.common.ForgeConfig;
import dev.personaforge.common.NotFoundException;
import dev.personaforge.common.ValidationException;
import dev.personaforge.hub.DownloadHandle;
import dev.personaforge.hub.DownloadProgress;
import dev.personaforge.hub.HubClient;
import dev.personaforge.hub.InstallMarker;
import dev.personaforge.hub.ModelDownloader;
import dev.personaforge.hub.ModelFacts;
import dev.personaforge.hub.ModelLocator;
import dev.personaforge.model.LlamaConfig;
import dev.personaforge.persona.Persona;
import dev.personaforge.training.MemoryEstimate;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The base models people can choose: the offered ones, those downloaded into {@code data/models}, and local
 * directories personas use; their facts; and downloads from the Hugging Face Hub with live progress.
 */
@ApplicationScoped
public class ModelCatalog {

    /** Offered in the picker; the first is the default for new personas. */
    public static final List<String> OFFERED = List.of("HuggingFaceTB/SmolLM2-135M-Instruct",
            "Qwen/Qwen2.5-0.5B-Instruct", "meta-llama/Llama-3.2-1B-Instruct");

    /** The training shape the memory estimates assume: batch 8 of 256 tokens, LoRA rank 8 on all modules. */
    static final int ESTIMATE_BATCH = 8;
    static final int ESTIMATE_TOKENS = 256;
    static final int ESTIMATE_RANK = 8;

    @Inject
    ForgeConfig config;

    @Inject
    BaseModelLookup lookup;

    private final Map<String, DownloadView> downloads = new ConcurrentHashMap<>();
    private final Map<String, BroadcastProcessor<DownloadView>> streams = new ConcurrentHashMap<>();
    private volatile ModelDownloader downloader;

    /** Offered models, downloaded ones and the local directories of personas, each once. */
    public List<ModelEntry> list() {
        Set<String> refs = new LinkedHashSet<>(OFFERED);
        refs.addAll(lookup.downloadedIds());
        Persona.<Persona>listAll().forEach(p -> refs.add(p.baseModel));
        downloads.keySet().forEach(refs::add);
        List<ModelEntry> entries = new ArrayList<>();
        for (String ref : refs) {
            try {
                entries.add(entry(ref));
            } catch (NotFoundException e) {
                // A persona still names a local directory that was moved or deleted: list it with the reason.
                entries.add(new ModelEntry(ref, false, false, null, null, e.getMessage(), null, null, null, null));
            }
        }
        return entries;
    }

    /** One model's entry; 404 for a reference that is neither a Hub id nor a directory on this machine. */
    public ModelEntry entry(String ref) {
        if (ref == null || ref.isBlank()) {
            throw ValidationException.of("model", "is required: a Hugging Face id (owner/name) or a local directory");
        }
        String model = ref.strip();
        Path dir = lookup.directory(model).orElse(null);
        if (dir == null && !ModelLocator.isHubId(model)) {
            throw new NotFoundException("There is no model directory " + model + " on this machine.");
        }
        if (dir != null) {
            Estimates e = estimates(model, dir.resolve("config.json"));
            return new ModelEntry(model, OFFERED.contains(model), true, dir.toString(), ModelFacts.read(dir), null,
                    e.lora, e.full, e.available, downloads.get(key(model)));
        }
        Preview preview = preview(model);
        Estimates e = preview.facts == null ? Estimates.NONE : estimates(model, previewDir(model).resolve("config.json"));
        return new ModelEntry(model, OFFERED.contains(model), false, null, preview.facts, preview.note, e.lora, e.full,
                e.available, downloads.get(key(model)));
    }

    private record Estimates(Long lora, Long full, Long available) {
        static final Estimates NONE = new Estimates(null, null, null);
    }

    private Estimates estimates(String model, Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            return Estimates.NONE;
        }
        try {
            LlamaConfig c = LlamaConfig.load(configJson);
            long tokens = (long) ESTIMATE_BATCH * ESTIMATE_TOKENS;
            MemoryEstimate loraEstimate = MemoryEstimate.training(c, LoraSize.parameters(c, ESTIMATE_RANK,
                    dev.personaforge.run.RunSettings.ALL_MODULES), false, tokens, ESTIMATE_TOKENS, ESTIMATE_BATCH, 0);
            MemoryEstimate fullEstimate = MemoryEstimate.training(c, c.parameterCount(), true, tokens,
                    ESTIMATE_TOKENS, ESTIMATE_BATCH, 0);
            return new Estimates(loraEstimate.requiredBytes() + 4L * c.parameterCount(),
                    fullEstimate.requiredBytes() + 4L * c.parameterCount(), loraEstimate.availableBytes());
        } catch (IOException | RuntimeException e) {
            Log.debugf("No memory estimate for %s: %s", model, e.getMessage());
            return Estimates.NONE;
        }
    }

    /** Facts of a Hub model before download, or why there are none; cached, failures for a shorter time. */
    private record Preview(ModelFacts facts, String note, long expiresAt) {}

    static final Duration PREVIEW_TTL = Duration.ofHours(1);
    static final Duration PREVIEW_FAILURE_TTL = Duration.ofMinutes(2);

    private final Map<String, Preview> previews = new ConcurrentHashMap<>();

    private Preview preview(String model) {
        String key = key(model);
        Preview cached = previews.get(key);
        if (cached != null && cached.expiresAt > System.nanoTime()) {
            return cached;
        }
        Preview fresh;
        Path dir = previewDir(model);
        try {
            dev.personaforge.hub.RepoInfo info = dev.personaforge.hub.ModelPreview.fetch(hub(), model, dir);
            Long fromConfig = null;
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                try {
                    fromConfig = LlamaConfig.load(dir.resolve("config.json")).parameterCount();
                } catch (IOException | RuntimeException e) {
                    Log.debugf("config.json of %s is not a supported Llama-family config: %s", model, e.getMessage());
                }
            }
            fresh = new Preview(ModelFacts.beforeDownload(info, dir, fromConfig), null,
                    System.nanoTime() + PREVIEW_TTL.toNanos());
        } catch (IOException | RuntimeException e) {
            fresh = new Preview(null, "Facts need the Hub or a download: " + e.getMessage(),
                    System.nanoTime() + PREVIEW_FAILURE_TTL.toNanos());
        }
        previews.put(key, fresh);
        return fresh;
    }

    private Path previewDir(String model) {
        return config.dataDir().resolve("cache").resolve("hub-previews").resolve(model.replace('/', '-'));
    }

    /** Starts (or joins) the download of a Hub model into {@code data/models}. */
    public DownloadView download(String ref) {
        String model = ref == null ? "" : ref.strip();
        if (!ModelLocator.isHubId(model)) {
            throw ValidationException.of("model", "\"" + ref + "\" is not a Hugging Face model id (owner/name)");
        }
        String key = key(model);
        DownloadView current = downloads.get(key);
        if (current != null && !current.finished()) {
            return current;
        }
        DownloadHandle handle = downloader().download(model, "main");
        DownloadView started = new DownloadView(model, "RUNNING", null, 0, 0, null);
        downloads.put(key, started);
        handle.subscribe(p -> update(key, running(model, p)));
        handle.result().whenComplete((marker, error) -> {
            DownloadView last = downloads.get(key);
            if (error == null) {
                long total = marker.files().stream().mapToLong(InstallMarker.InstalledFile::size).sum();
                update(key, new DownloadView(model, "DONE", null, total, total, null));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                boolean cancelled = handle.isCancelled();
                update(key, new DownloadView(model, cancelled ? "CANCELLED" : "FAILED", last == null ? null : last.file(),
                        last == null ? 0 : last.bytesDone(), last == null ? 0 : last.bytesTotal(),
                        cancelled ? "Cancelled; starting again resumes where it stopped." : cause.getMessage()));
            }
        });
        return downloads.get(key);
    }

    public DownloadView downloadStatus(String model) {
        DownloadView view = downloads.get(key(model));
        if (view == null) {
            throw new NotFoundException("No download of " + model + " was started since the server started.");
        }
        return view;
    }

    public DownloadView cancel(String model) {
        downloader().inFlight(model).ifPresent(DownloadHandle::cancel);
        return downloadStatus(model);
    }

    /** The download's state now and each change until it ends. */
    public Multi<DownloadView> follow(String model) {
        DownloadView now = downloadStatus(model);
        if (now.finished()) {
            return Multi.createFrom().item(now);
        }
        BroadcastProcessor<DownloadView> stream = streams.computeIfAbsent(key(model), k -> BroadcastProcessor.create());
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(now), stream.onOverflow().drop());
    }

    private void update(String key, DownloadView view) {
        downloads.put(key, view);
        BroadcastProcessor<DownloadView> stream = streams.get(key);
        if (stream != null) {
            stream.onNext(view);
            if (view.finished()) {
                streams.remove(key, stream);
                stream.onComplete();
            }
        }
    }

    private static DownloadView running(String model, DownloadProgress p) {
        return new DownloadView(model, "RUNNING", p.file(), p.overallDone(), p.overallTotal(), null);
    }

    private ModelDownloader downloader() {
        if (downloader == null) {
            synchronized (this) {
                if (downloader == null) {
                    downloader = new ModelDownloader(hub(), lookup.modelsDir());
                }
            }
        }
        return downloader;
    }

    private volatile HubClient hub;

    private HubClient hub() {
        if (hub == null) {
            hub = hubClient();
        }
        return hub;
    }

    private HubClient hubClient() {
        HubClient fromEnv = HubClient.fromEnvironment();
        URI endpoint = config.hub().endpoint().filter(s -> !s.isBlank()).map(URI::create).orElse(fromEnv.endpoint());
        String token = config.hub().token().filter(s -> !s.isBlank()).orElse(System.getenv("HF_TOKEN"));
        return new HubClient(endpoint, token, HubClient.defaultHttpClient());
    }

    private static String key(String model) {
        return model.strip().toLowerCase(java.util.Locale.ROOT);
    }
}
