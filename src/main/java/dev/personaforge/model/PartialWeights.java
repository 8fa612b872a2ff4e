package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of a partial fine-tune: only the tensors it changed, under their Hugging Face names, plus what produced
 * them. On disk a directory holds {@value #WEIGHTS_FILE} (F32 safetensors, e.g. {@code model.layers.29.mlp.down_proj.weight},
 * {@code model.norm.weight}, {@code lm_head.weight}) and {@value #INFO_FILE}:
 * <pre>{"method": "top-layers", "topLayers": 2, "layers": [28, 29], "baseModel": "HuggingFaceTB/SmolLM2-135M-Instruct",
 *  "untiedHead": false, "tieWordEmbeddings": true, "tensors": ["model.layers.28.input_layernorm.weight", ...]}</pre>
 * Every other tensor is the base model's; {@link #applyTo} rebuilds the tuned model from a loaded base and
 * {@link MergedModelWriter} writes it as a standalone Hugging Face model directory.
 */
public final class PartialWeights implements AutoCloseable {

    /** The changed tensors. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Method, base model, layers and tensor names. */
    public static final String INFO_FILE = "partial.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PartialTuning tuning;
    private final String baseModel;
    private final Map<String, NDArray> tensors;
    private final NDManager manager;

    private PartialWeights(PartialTuning tuning, String baseModel, Map<String, NDArray> tensors, NDManager manager) {
        this.tuning = tuning;
        this.baseModel = baseModel;
        this.tensors = tensors;
        this.manager = manager;
    }

    /**
     * Copies the tensors {@code tuning} trains out of {@code tuned} (which may share its other weights with the base).
     *
     * @param baseConfig the base model's config (tied or not), which decides which tensors the method trains
     * @param baseModel the base model reference, recorded in {@value #INFO_FILE}
     */
    public static PartialWeights of(PartialTuning tuning, LlamaConfig baseConfig, LlamaForCausalLM tuned, String baseModel,
            NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        Map<String, NDArray> state = tuned.stateDict();
        for (String name : tuning.trainedTensors(baseConfig)) {
            NDArray t = state.get(name);
            NDArray copy = manager.create(t.toFloatArray(), t.getShape());
            copy.setName(name);
            out.put(name, copy);
        }
        return new PartialWeights(tuning, baseModel, out, manager);
    }

    /**
     * Reads a directory written by {@link #save}.
     *
     * @throws ModelLoadException naming the file and problem (missing file, unknown method, tensor list mismatch)
     */
    public static PartialWeights load(Path dir, NDManager parent) throws IOException {
        Path info = dir.resolve(INFO_FILE);
        if (!Files.isRegularFile(info)) {
            throw new ModelLoadException("missing file: " + info);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(info));
        } catch (IOException e) {
            throw new ModelLoadException(info + ": not valid JSON: " + e.getMessage(), e);
        }
        PartialTuning tuning;
        try {
            PartialTuning.Method method = PartialTuning.Method.of(root.path("method").asText());
            tuning = new PartialTuning(method, method == PartialTuning.Method.TOP_LAYERS ? root.path("topLayers").asInt() : 0);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(info + ": " + e.getMessage(), e);
        }
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> tensors = SafeTensors.load(dir.resolve(WEIGHTS_FILE), manager, k -> true);
            List<String> listed = new ArrayList<>();
            root.path("tensors").forEach(n -> listed.add(n.asText()));
            if (!listed.isEmpty() && !new java.util.HashSet<>(listed).equals(tensors.keySet())) {
                throw new ModelLoadException(dir.resolve(WEIGHTS_FILE) + ": holds " + tensors.keySet() + " but "
                        + INFO_FILE + " lists " + listed);
            }
            return new PartialWeights(tuning, root.path("baseModel").asText(""), tensors, manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Writes {@value #WEIGHTS_FILE} and {@value #INFO_FILE} to {@code dir}. */
    public void save(Path dir, LlamaConfig baseConfig) throws IOException {
        Files.createDirectories(dir);
        SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, SafeTensors.Dtype.F32,
                Map.of("format", "pt", "method", tuning.method().id()));
        ObjectNode info = JSON.createObjectNode();
        info.put("method", tuning.method().id());
        if (tuning.method() == PartialTuning.Method.TOP_LAYERS) {
            info.put("topLayers", tuning.topLayers());
        }
        tuning.trainedLayers(baseConfig).forEach(info.putArray("layers")::add);
        info.put("baseModel", baseModel);
        info.put("untiedHead", tuning.untiesHead(baseConfig));
        info.put("tieWordEmbeddings", tuning.tunedConfig(baseConfig).tieWordEmbeddings());
        info.put("parameters", parameterCount());
        tensors.keySet().forEach(info.putArray("tensors")::add);
        Files.writeString(dir.resolve(INFO_FILE), JSON.writeValueAsString(info));
    }

    /**
     * The tuned model: {@code base}'s weights with these tensors in place of the base's, the unchanged tensors shared
     * with {@code base} (not copied). The returned model owns copies of these tensors; close it before {@code base},
     * or let closing {@code base} free both.
     *
     * @throws ModelLoadException when the tensors do not fit the base model's architecture
     */
    public LlamaForCausalLM applyTo(LlamaForCausalLM base) throws ModelLoadException {
        tuning.checkFits(base.config());
        Map<String, NDArray> copies = new LinkedHashMap<>();
        try (NDManager staging = base.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                copies.put(e.getKey(), staging.create(e.getValue().toFloatArray(), e.getValue().getShape()));
            }
            return base.withTensors(tuning.tunedConfig(base.config()), copies);
        }
    }

    public PartialTuning tuning() {
        return tuning;
    }

    /** The base model reference recorded when the weights were saved (may be blank for hand-made files). */
    public String baseModel() {
        return baseModel;
    }

    /** The changed tensors by Hugging Face name; owned by this object. */
    public Map<String, NDArray> tensors() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    /** Values in the changed tensors. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(t -> t.getShape().size()).sum();
    }

    @Override
    public void close() {
        manager.close();
    }
}
