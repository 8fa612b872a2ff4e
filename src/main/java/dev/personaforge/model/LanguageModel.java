package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A loaded Hugging Face model directory: config, weights, tokenizer, chat template and generation
 * defaults. The entry point of the engine; close it to free the native weights.
 */
public final class LanguageModel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Torch.init();
    }

    private final Path directory;
    private final NDManager manager;
    private final LlamaForCausalLM model;
    private final TextTokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final GenerationDefaults generationDefaults;
    /** False for a tuned variant that borrows the tokenizer of the model it was made from. */
    private final boolean ownsTokenizer;

    private LanguageModel(Path directory, NDManager manager, LlamaForCausalLM model, TextTokenizer tokenizer,
            ChatTemplate chatTemplate, GenerationDefaults generationDefaults) {
        this(directory, manager, model, tokenizer, chatTemplate, generationDefaults, true);
    }

    private LanguageModel(Path directory, NDManager manager, LlamaForCausalLM model, TextTokenizer tokenizer,
            ChatTemplate chatTemplate, GenerationDefaults generationDefaults, boolean ownsTokenizer) {
        this.directory = directory;
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.generationDefaults = generationDefaults;
        this.ownsTokenizer = ownsTokenizer;
    }

    /**
     * Loads a model directory ({@code config.json}, {@code model.safetensors} or a sharded index,
     * {@code tokenizer.json}, optional {@code tokenizer_config.json} and {@code generation_config.json}).
     *
     * @throws ModelLoadException naming the file and problem: unsupported architecture, missing or
     *     truncated file, missing tensor or wrong shape
     */
    public static LanguageModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model directory does not exist: " + dir);
        }
        LlamaConfig config = LlamaConfig.load(dir.resolve("config.json"));
        NDManager manager = NDManager.newBaseManager("PyTorch");
        try {
            LlamaForCausalLM model = loadWeights(dir, config, manager);
            TextTokenizer tokenizer = TextTokenizer.load(dir);
            String template = null;
            Path tc = dir.resolve("tokenizer_config.json");
            if (Files.isRegularFile(tc)) {
                JsonNode t = JSON.readTree(Files.readString(tc));
                JsonNode ct = t.get("chat_template");
                if (ct != null && ct.isTextual()) {
                    template = ct.asText();
                } else if (ct != null && ct.isArray()) {
                    for (JsonNode named : ct) {
                        if ("default".equals(named.path("name").asText())) {
                            template = named.path("template").asText();
                        }
                    }
                }
            }
            Path jinja = dir.resolve("chat_template.jinja");
            if (template == null && Files.isRegularFile(jinja)) {
                template = Files.readString(jinja);
            }
            ChatTemplate chat = new ChatTemplate(template, tokenizer.bosToken(), tokenizer.eosToken());
            GenerationDefaults defaults = GenerationDefaults.load(dir, config.eosTokenIds());
            return new LanguageModel(dir, manager, model, tokenizer, chat, defaults);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Reads single-file or sharded safetensors weights and validates them against {@code config}. */
    static LlamaForCausalLM loadWeights(Path dir, LlamaConfig config, NDManager parent) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        String source;
        try (NDManager staging = parent.newSubManager()) {
            if (Files.isRegularFile(index)) {
                source = index.toString();
                JsonNode map;
                try {
                    map = JSON.readTree(Files.readString(index)).path("weight_map");
                } catch (IOException e) {
                    throw new ModelLoadException(index + ": not valid JSON: " + e.getMessage(), e);
                }
                if (!map.isObject() || map.isEmpty()) {
                    throw new ModelLoadException(index + ": weight_map missing or empty");
                }
                Map<String, List<String>> byFile = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    byFile.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>()).add(e.getKey());
                }
                for (Map.Entry<String, List<String>> shard : byFile.entrySet()) {
                    Path file = dir.resolve(shard.getKey());
                    if (!Files.isRegularFile(file)) {
                        throw new ModelLoadException("missing file: " + file + " (listed in " + index + ")");
                    }
                    Map<String, NDArray> part = SafeTensors.load(file, staging, shard.getValue()::contains);
                    for (String name : shard.getValue()) {
                        if (!part.containsKey(name)) {
                            throw new ModelLoadException(file + ": missing tensor " + name + " (listed in " + index + ")");
                        }
                    }
                    tensors.putAll(part);
                }
            } else if (Files.isRegularFile(single)) {
                source = single.toString();
                tensors.putAll(SafeTensors.load(single, staging, k -> true));
            } else {
                throw new ModelLoadException("missing file: " + single + " (nor " + index.getFileName() + ")");
            }
            return LlamaForCausalLM.fromStateDict(config, tensors, parent, source);
        }
    }

    /** Where the model was loaded from. */
    public Path directory() {
        return directory;
    }

    public LlamaConfig config() {
        return model.config();
    }

    /** The weights and forward pass. */
    public LlamaForCausalLM model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    public GenerationDefaults generationDefaults() {
        return generationDefaults;
    }

    /** End-of-sequence ids: generation_config.json's, plus the tokenizer's {@code eos_token}. */
    public List<Integer> eosTokenIds() {
        List<Integer> ids = new ArrayList<>(generationDefaults.eosTokenIds());
        int tok = tokenizer.tokenId(tokenizer.eosToken());
        if (tok >= 0 && !ids.contains(tok)) {
            ids.add(tok);
        }
        if (ids.isEmpty()) {
            ids.addAll(model.config().eosTokenIds());
        }
        return ids;
    }

    /** Prompt token ids for a conversation rendered with the chat template, ending with the assistant cue. */
    public long[] encodeChat(List<ChatMessage> messages) {
        return tokenizer.encode(chatTemplate.render(messages, true), false);
    }

    /** Loads a PEFT LoRA adapter directory for this model. */
    public LoraAdapter loadAdapter(Path adapterDir) throws IOException {
        return LoraAdapter.load(adapterDir, model);
    }

    /**
     * This model with the changed tensors of a partial fine-tune in place: it shares this model's tokenizer, chat
     * template and every unchanged weight, and owns copies of the changed tensors only. Closing it frees those
     * copies; closing this model frees the variant too, so do not use the variant after that.
     *
     * @throws ModelLoadException when the tensors do not fit this model's architecture
     */
    public LanguageModel withPartialWeights(PartialWeights partial) throws ModelLoadException {
        LlamaForCausalLM tuned = partial.applyTo(model);
        return new LanguageModel(directory, tuned.manager(), tuned, tokenizer, chatTemplate, generationDefaults, false);
    }

    /**
     * Writes a full Hugging Face model directory with {@code adapter} merged into the weights
     * (F32 {@code model.safetensors}, config, tokenizer and generation files copied). This model's
     * own weights are left unchanged.
     */
    public void mergeAndSave(LoraAdapter adapter, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> copy = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                copy.put(e.getKey(), tmp.create(e.getValue().toFloatArray(), e.getValue().getShape()));
            }
            try (LlamaForCausalLM merged = LlamaForCausalLM.fromStateDict(model.config(), copy, tmp, "merge")) {
                if (adapter != null) {
                    adapter.mergeInto(merged);
                }
                saveModel(merged, directory, outDir);
            }
        }
    }

    /** Writes {@code model}'s weights and config plus the tokenizer files of {@code sourceDir} to {@code outDir}. */
    public static void saveModel(LlamaForCausalLM model, Path sourceDir, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        model.config().save(outDir.resolve("config.json"));
        SafeTensors.write(outDir.resolve("model.safetensors"), model.stateDict(), SafeTensors.Dtype.F32, Map.of("format", "pt"));
        if (sourceDir != null) {
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json",
                    "special_tokens_map.json", "chat_template.jinja")) {
                Path src = sourceDir.resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void close() {
        if (ownsTokenizer) {
            tokenizer.close();
        }
        manager.close();
    }
}
