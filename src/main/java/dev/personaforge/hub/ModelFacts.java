package dev.personaforge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Facts about a base model for the models page and the base-model picker, read from its files (or from the
 * Hub's summary before download); a fact that can't be read is {@code null} and {@link #unknown()} says why.
 *
 * @param model          the directory or Hub id the facts describe
 * @param downloaded     whether the facts come from files on this machine
 * @param architecture   {@code architectures[0]} of config.json, e.g. {@code LlamaForCausalLM}
 * @param modelType      {@code model_type} of config.json, e.g. {@code llama}
 * @param parameterCount total elements of all tensors in the safetensors weights
 * @param hiddenSize     {@code hidden_size}
 * @param layers         {@code num_hidden_layers}
 * @param attentionHeads {@code num_attention_heads}
 * @param kvHeads        {@code num_key_value_heads}
 * @param contextLength  {@code max_position_embeddings}
 * @param vocabSize      {@code vocab_size}
 * @param tiedEmbeddings {@code tie_word_embeddings}
 * @param torchDtype     {@code torch_dtype} (or {@code dtype} in newer configs)
 * @param chatTemplate   whether a chat template ships with the tokenizer
 * @param weightsBytes   total size of the safetensors weight files
 * @param sizeOnDisk     size of everything in the model directory
 * @param licence        the licence, never {@code null} (an unknown licence is a {@link LicenceInfo} too)
 * @param unknown        for each fact that is {@code null}, why it isn't known
 */
public record ModelFacts(String model, boolean downloaded, String architecture, String modelType, Long parameterCount,
                         Integer hiddenSize, Integer layers, Integer attentionHeads, Integer kvHeads,
                         Integer contextLength, Integer vocabSize, Boolean tiedEmbeddings, String torchDtype,
                         Boolean chatTemplate, Long weightsBytes, Long sizeOnDisk, LicenceInfo licence,
                         Map<Fact, String> unknown) {

    /** The facts that may be unknown. */
    public enum Fact {
        ARCHITECTURE, MODEL_TYPE, PARAMETER_COUNT, HIDDEN_SIZE, LAYERS, ATTENTION_HEADS, KV_HEADS, CONTEXT_LENGTH,
        VOCAB_SIZE, TIED_EMBEDDINGS, TORCH_DTYPE, CHAT_TEMPLATE, WEIGHTS_BYTES, SIZE_ON_DISK
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHARD = Pattern.compile("model-\\d+-of-\\d+\\.safetensors");
    private static final String AFTER_DOWNLOAD = "read from config.json once the model is downloaded";

    public ModelFacts {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(licence, "licence");
        Map<Fact, String> reasons = new EnumMap<>(Fact.class);
        reasons.putAll(Objects.requireNonNull(unknown, "unknown"));
        unknown = Map.copyOf(reasons);
        for (Fact f : Fact.values()) {
            boolean missing = valueOf(f, architecture, modelType, parameterCount, hiddenSize, layers, attentionHeads,
                    kvHeads, contextLength, vocabSize, tiedEmbeddings, torchDtype, chatTemplate, weightsBytes,
                    sizeOnDisk) == null;
            if (missing != unknown.containsKey(f)) {
                throw new IllegalArgumentException(f + " of " + model + (missing ? " is null without a reason"
                        : " has a value and a reason for being unknown"));
            }
        }
    }

    /** Why {@code fact} is unknown, when it is. */
    public Optional<String> whyUnknown(Fact fact) {
        return Optional.ofNullable(unknown.get(fact));
    }

    /** The value of {@code fact}, or {@code null} when unknown. */
    public Object value(Fact fact) {
        return valueOf(fact, architecture, modelType, parameterCount, hiddenSize, layers, attentionHeads, kvHeads,
                contextLength, vocabSize, tiedEmbeddings, torchDtype, chatTemplate, weightsBytes, sizeOnDisk);
    }

    /**
     * Reads the facts of a model directory (an install, an HF cache snapshot or any local copy). Only the
     * headers of the safetensors files are read, never the weights.
     *
     * @throws IllegalArgumentException when {@code dir} is not a directory
     */
    public static ModelFacts read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("No model directory at " + dir + "; download the model first or "
                    + "check the path.");
        }
        LocalReader r = new LocalReader(dir);
        return r.read();
    }

    /**
     * The facts the Hub's model info gives before download: architecture and parameter count when the Hub
     * summarises them, the weights' size from the file list, the licence from the card. The rest is unknown
     * until download.
     */
    public static ModelFacts fromHub(RepoInfo info) {
        Map<Fact, String> why = new EnumMap<>(Fact.class);
        String architecture = info.architectures().isEmpty() ? null : info.architectures().get(0);
        note(why, Fact.ARCHITECTURE, architecture, "the Hub's summary doesn't name it; " + AFTER_DOWNLOAD);
        note(why, Fact.MODEL_TYPE, info.modelType(), "the Hub's summary doesn't name it; " + AFTER_DOWNLOAD);
        note(why, Fact.PARAMETER_COUNT, info.parameterCount(),
                "the Hub reports no parameter count; counted from the weights once downloaded");
        for (Fact f : List.of(Fact.HIDDEN_SIZE, Fact.LAYERS, Fact.ATTENTION_HEADS, Fact.KV_HEADS, Fact.CONTEXT_LENGTH,
                Fact.VOCAB_SIZE, Fact.TIED_EMBEDDINGS, Fact.TORCH_DTYPE)) {
            why.put(f, AFTER_DOWNLOAD);
        }
        Boolean chat = info.file("chat_template.jinja").isPresent() ? Boolean.TRUE : null;
        note(why, Fact.CHAT_TEMPLATE, chat, "read from tokenizer_config.json once the model is downloaded");
        Long weights = hubWeightsBytes(info);
        note(why, Fact.WEIGHTS_BYTES, weights, "the repository has no safetensors weights with known sizes "
                + "(only safetensors are supported)");
        why.put(Fact.SIZE_ON_DISK, "not downloaded yet");
        LicenceInfo licence = info.license() != null
                ? LicenceInfo.fromCard(info.license(), info.licenseName(), info.licenseLink())
                : LicenceInfo.unknown("The model card declares no licence; a LICENSE file, if the repository has "
                + "one, is read after download. Check the model's page before using it.");
        return new ModelFacts(info.id(), false, architecture, info.modelType(), info.parameterCount(), null, null,
                null, null, null, null, null, null, chat, weights, null, licence, why);
    }

    /**
     * The facts of a Hub model before its weights are downloaded: config-derived facts, chat template and
     * licence read from its small metadata files fetched into {@code metadataDir} (see {@link ModelPreview}),
     * the weights' size from the Hub's file list. The parameter count is the Hub's, else the one given
     * (computed from config.json by the caller), else unknown until download.
     */
    public static ModelFacts beforeDownload(RepoInfo info, Path metadataDir, Long parameterCountFromConfig) {
        ModelFacts local = new LocalReader(metadataDir).read();
        ModelFacts hub = fromHub(info);
        Map<Fact, String> why = new EnumMap<>(Fact.class);
        for (Fact f : List.of(Fact.HIDDEN_SIZE, Fact.LAYERS, Fact.ATTENTION_HEADS, Fact.KV_HEADS, Fact.CONTEXT_LENGTH,
                Fact.VOCAB_SIZE, Fact.TIED_EMBEDDINGS, Fact.TORCH_DTYPE, Fact.CHAT_TEMPLATE)) {
            local.whyUnknown(f).ifPresent(reason -> why.put(f, reason));
        }
        String architecture = local.architecture() != null ? local.architecture() : hub.architecture();
        String modelType = local.modelType() != null ? local.modelType() : hub.modelType();
        note(why, Fact.ARCHITECTURE, architecture, local.whyUnknown(Fact.ARCHITECTURE).orElse(""));
        note(why, Fact.MODEL_TYPE, modelType, local.whyUnknown(Fact.MODEL_TYPE).orElse(""));
        Long parameters = hub.parameterCount() != null ? hub.parameterCount() : parameterCountFromConfig;
        note(why, Fact.PARAMETER_COUNT, parameters, "the Hub reports no parameter count; counted from the weights "
                + "once downloaded");
        hub.whyUnknown(Fact.WEIGHTS_BYTES).ifPresent(reason -> why.put(Fact.WEIGHTS_BYTES, reason));
        why.put(Fact.SIZE_ON_DISK, "not downloaded yet");
        LicenceInfo licence = local.licence().source() != LicenceInfo.Source.UNKNOWN ? local.licence() : hub.licence();
        return new ModelFacts(info.id(), false, architecture, modelType, parameters, local.hiddenSize(), local.layers(),
                local.attentionHeads(), local.kvHeads(), local.contextLength(), local.vocabSize(),
                local.tiedEmbeddings(), local.torchDtype(), local.chatTemplate(), hub.weightsBytes(), null, licence, why);
    }

    private static Long hubWeightsBytes(RepoInfo info) {
        boolean sharded = info.file(WeightFiles.INDEX).isPresent();
        List<RepoFile> weights = info.files().stream()
                .filter(f -> f.isTopLevel() && (sharded ? SHARD.matcher(f.path()).matches() : f.path().equals(WeightFiles.SINGLE)))
                .toList();
        if (weights.isEmpty() || weights.stream().anyMatch(f -> !f.hasSize())) {
            return null;
        }
        return weights.stream().mapToLong(RepoFile::size).sum();
    }

    private static void note(Map<Fact, String> why, Fact fact, Object value, String reason) {
        if (value == null) {
            why.put(fact, reason);
        }
    }

    private static Object valueOf(Fact f, String architecture, String modelType, Long parameterCount, Integer hiddenSize,
                                  Integer layers, Integer attentionHeads, Integer kvHeads, Integer contextLength,
                                  Integer vocabSize, Boolean tiedEmbeddings, String torchDtype, Boolean chatTemplate,
                                  Long weightsBytes, Long sizeOnDisk) {
        return switch (f) {
            case ARCHITECTURE -> architecture;
            case MODEL_TYPE -> modelType;
            case PARAMETER_COUNT -> parameterCount;
            case HIDDEN_SIZE -> hiddenSize;
            case LAYERS -> layers;
            case ATTENTION_HEADS -> attentionHeads;
            case KV_HEADS -> kvHeads;
            case CONTEXT_LENGTH -> contextLength;
            case VOCAB_SIZE -> vocabSize;
            case TIED_EMBEDDINGS -> tiedEmbeddings;
            case TORCH_DTYPE -> torchDtype;
            case CHAT_TEMPLATE -> chatTemplate;
            case WEIGHTS_BYTES -> weightsBytes;
            case SIZE_ON_DISK -> sizeOnDisk;
        };
    }

    /** Reads one directory's facts, collecting a reason for each one it can't read. */
    private static final class LocalReader {

        private final Path dir;
        private final Map<Fact, String> why = new EnumMap<>(Fact.class);

        LocalReader(Path dir) {
            this.dir = dir;
        }

        ModelFacts read() {
            JsonNode config = json("config.json");
            String architecture = config == null ? null : firstText(config.path("architectures"));
            String modelType = text(config, "model_type");
            Integer hidden = integer(config, Fact.HIDDEN_SIZE, "hidden_size");
            Integer layers = integer(config, Fact.LAYERS, "num_hidden_layers");
            Integer heads = integer(config, Fact.ATTENTION_HEADS, "num_attention_heads");
            Integer kvHeads = kvHeads(config, heads);
            Integer context = integer(config, Fact.CONTEXT_LENGTH, "max_position_embeddings");
            Integer vocab = integer(config, Fact.VOCAB_SIZE, "vocab_size");
            Boolean tied = tied(config);
            String dtype = text(config, "torch_dtype") != null ? text(config, "torch_dtype") : text(config, "dtype");
            note(why, Fact.ARCHITECTURE, architecture, configReason(config, "architectures"));
            note(why, Fact.MODEL_TYPE, modelType, configReason(config, "model_type"));
            note(why, Fact.TORCH_DTYPE, dtype, configReason(config, "torch_dtype"));
            List<Path> weights = weightFiles();
            Long parameters = parameters(weights);
            Long weightsBytes = weights == null ? null : sizes(weights);
            Long onDisk = sizeOnDisk();
            return new ModelFacts(dir.toString(), true, architecture, modelType, parameters, hidden, layers, heads,
                    kvHeads, context, vocab, tied, dtype, chatTemplate(), weightsBytes, onDisk, licence(), why);
        }

        private Integer kvHeads(JsonNode config, Integer heads) {
            JsonNode v = config == null ? null : config.path("num_key_value_heads");
            if (v != null && (v.isMissingNode() || v.isNull())) {
                why.put(Fact.KV_HEADS, "config.json doesn't set num_key_value_heads; Llama-family models then use "
                        + "one key/value head per attention head" + (heads == null ? "" : " (" + heads + ")"));
                return null;
            }
            return integer(config, Fact.KV_HEADS, "num_key_value_heads");
        }

        private Boolean tied(JsonNode config) {
            JsonNode v = config == null ? null : config.path("tie_word_embeddings");
            if (v != null && v.isBoolean()) {
                return v.asBoolean();
            }
            why.put(Fact.TIED_EMBEDDINGS, config == null ? configReason(null, "tie_word_embeddings")
                    : "config.json doesn't set tie_word_embeddings; the default depends on the architecture");
            return null;
        }

        /** The weight files: the index's shards, else model.safetensors, else any top-level *.safetensors. */
        private List<Path> weightFiles() {
            try {
                List<String> declared = WeightFiles.declared(dir);
                if (!declared.isEmpty()) {
                    return declared.stream().map(dir::resolve).toList();
                }
                try (Stream<Path> files = Files.list(dir)) {
                    List<Path> any = files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                            .filter(Files::isRegularFile).sorted().toList();
                    if (!any.isEmpty()) {
                        return any;
                    }
                }
                String reason = "no safetensors weights in " + dir;
                why.put(Fact.PARAMETER_COUNT, reason);
                why.put(Fact.WEIGHTS_BYTES, reason);
            } catch (IOException e) {
                why.put(Fact.PARAMETER_COUNT, e.getMessage());
                why.put(Fact.WEIGHTS_BYTES, e.getMessage());
            }
            return null;
        }

        private Long parameters(List<Path> weights) {
            if (weights == null) {
                return null;
            }
            long total = 0;
            for (Path w : weights) {
                if (!Files.isRegularFile(w)) {
                    why.put(Fact.PARAMETER_COUNT, "weight file " + dir.relativize(w) + " is missing");
                    return null;
                }
                try {
                    total = Math.addExact(total, SafetensorsHeader.parameterCount(w));
                } catch (IOException | ArithmeticException e) {
                    why.put(Fact.PARAMETER_COUNT, "can't read the header of " + dir.relativize(w) + ": " + e.getMessage());
                    return null;
                }
            }
            return total;
        }

        private Long sizes(List<Path> weights) {
            long total = 0;
            for (Path w : weights) {
                try {
                    total += Files.size(w);
                } catch (IOException e) {
                    why.put(Fact.WEIGHTS_BYTES, "weight file " + dir.relativize(w) + " is missing or unreadable");
                    return null;
                }
            }
            return total;
        }

        /** Sums regular files, following symbolic links because HF cache snapshots consist of them. */
        private Long sizeOnDisk() {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).sum();
            } catch (IOException | UncheckedIOException e) {
                why.put(Fact.SIZE_ON_DISK, "can't list " + dir + ": " + e.getMessage());
                return null;
            }
        }

        private Boolean chatTemplate() {
            if (Files.isRegularFile(dir.resolve("chat_template.jinja")) || Files.isRegularFile(dir.resolve("chat_template.json"))) {
                return true;
            }
            if (!Files.isRegularFile(dir.resolve("tokenizer_config.json"))) {
                why.put(Fact.CHAT_TEMPLATE, "no tokenizer_config.json or chat_template.jinja in " + dir);
                return null;
            }
            JsonNode tokenizer = json("tokenizer_config.json");
            if (tokenizer == null) {
                why.put(Fact.CHAT_TEMPLATE, "tokenizer_config.json can't be read as JSON");
                return null;
            }
            JsonNode template = tokenizer.path("chat_template");
            if (template.isTextual()) {
                return !template.asText().isBlank();
            }
            if (template.isArray()) {
                for (JsonNode named : template) {
                    if (named.path("template").isTextual() && !named.path("template").asText().isBlank()) {
                        return true;
                    }
                }
            }
            return false;
        }

        private LicenceInfo licence() {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme)) {
                Optional<String> text = readText(readme);
                Map<String, String> card = text.map(FrontMatter::parse).orElse(Map.of());
                if (card.containsKey("license")) {
                    return LicenceInfo.fromCard(card.get("license"), card.get("license_name"), card.get("license_link"));
                }
            }
            for (Path file : licenceFiles()) {
                Optional<String> text = readText(file);
                if (text.isPresent()) {
                    return LicenceInfo.fromLicenceText(text.get(), file.getFileName().toString());
                }
            }
            return LicenceInfo.unknown("Neither a model card (README.md) with a license field nor a LICENSE file was "
                    + "found in " + dir + ". Check the model's page or its publisher's terms before using it.");
        }

        private List<Path> licenceFiles() {
            List<Path> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().toUpperCase(Locale.ROOT).matches("LICEN[SC]E.*"))
                        .filter(Files::isRegularFile).sorted().forEach(out::add);
            } catch (IOException e) {
                return List.of();
            }
            return out;
        }

        private JsonNode json(String name) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(file.toFile());
                return node != null && node.isObject() ? node : null;
            } catch (IOException e) {
                return null;
            }
        }

        private String configReason(JsonNode config, String field) {
            if (config != null) {
                return "config.json doesn't set " + field;
            }
            return Files.isRegularFile(dir.resolve("config.json")) ? "config.json in " + dir + " isn't a valid JSON object"
                    : "no config.json in " + dir;
        }

        private Integer integer(JsonNode config, Fact fact, String field) {
            JsonNode v = config == null ? null : config.path(field);
            if (v != null && v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0) {
                return v.asInt();
            }
            why.put(fact, v == null || v.isMissingNode() || v.isNull() ? configReason(config, field)
                    : "config.json has an invalid " + field + ": " + v);
            return null;
        }

        private static String text(JsonNode config, String field) {
            JsonNode v = config == null ? null : config.path(field);
            return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
        }

        private static String firstText(JsonNode array) {
            return array.isArray() && array.size() > 0 && array.get(0).isTextual() ? array.get(0).asText() : null;
        }

        private static Optional<String> readText(Path file) {
            try {
                return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
