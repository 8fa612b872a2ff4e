package dev.personaforge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture hyper-parameters of a Llama-family checkpoint, read from {@code config.json}.
 *
 * <p>Covers {@code LlamaForCausalLM}, {@code MistralForCausalLM} and {@code Qwen2ForCausalLM}; the
 * only structural difference between them that matters here is which projections carry a bias
 * ({@link #qkvBias()}, {@link #oBias()}).
 */
public record LlamaConfig(
        String architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean oBias,
        boolean mlpBias,
        int bosTokenId,
        List<Integer> eosTokenIds) {

    /** Architectures this engine implements. */
    public static final List<String> SUPPORTED_ARCHITECTURES =
            List.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** RoPE frequency scaling ({@code rope_scaling}); {@code type} is "linear" or "llama3". */
    public record RopeScaling(
            String type,
            double factor,
            double lowFreqFactor,
            double highFreqFactor,
            int originalMaxPositionEmbeddings) {
        public RopeScaling {
            if (!"linear".equals(type) && !"llama3".equals(type)) {
                throw new IllegalArgumentException(
                        "rope_scaling.rope_type: unsupported '" + type + "' (supported: linear, llama3)");
            }
            if (!(factor > 0)) {
                throw new IllegalArgumentException("rope_scaling.factor must be > 0, got " + factor);
            }
            if ("llama3".equals(type)) {
                if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
                    throw new IllegalArgumentException(
                            "rope_scaling: need 0 < low_freq_factor < high_freq_factor, got "
                                    + lowFreqFactor + ", " + highFreqFactor);
                }
                if (originalMaxPositionEmbeddings <= 0) {
                    throw new IllegalArgumentException(
                            "rope_scaling.original_max_position_embeddings must be > 0");
                }
            }
        }
    }

    public LlamaConfig {
        if (!SUPPORTED_ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException(
                    "architectures: unsupported '" + architecture + "' (supported: "
                            + SUPPORTED_ARCHITECTURES + ")");
        }
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException(
                    "num_key_value_heads: " + numKeyValueHeads + " does not divide num_attention_heads "
                            + numAttentionHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            throw new IllegalArgumentException("rope_theta must be > 0, got " + ropeTheta);
        }
        if (bosTokenId < 0 || bosTokenId >= vocabSize) {
            throw new IllegalArgumentException("bos_token_id out of range: " + bosTokenId);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        for (int eos : eosTokenIds) {
            if (eos < 0 || eos >= vocabSize) {
                throw new IllegalArgumentException("eos_token_id out of range: " + eos);
            }
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }

    /** Number of query heads sharing one key/value head. */
    public int numKeyValueGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** This config with {@code tie_word_embeddings} set to {@code tied}, e.g. after giving a tied model its own head. */
    public LlamaConfig withTiedWordEmbeddings(boolean tied) {
        return new LlamaConfig(architecture, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, vocabSize, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, tied,
                qkvBias, oBias, mlpBias, bosTokenId, eosTokenIds);
    }

    /** Total parameter count of the base model (tied embeddings counted once). */
    public long parameterCount() {
        long h = hiddenSize;
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        long attn = h * q + 2 * h * kv + q * h + (qkvBias ? q + 2 * kv : 0) + (oBias ? h : 0);
        long mlp = 3 * h * intermediateSize + (mlpBias ? 2L * intermediateSize + h : 0);
        long layer = attn + mlp + 2 * h;
        long embed = (long) vocabSize * h;
        return embed + (tieWordEmbeddings ? 0 : embed) + numHiddenLayers * layer + h;
    }

    /** Reads and validates {@code config.json}. */
    public static LlamaConfig load(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("missing file: " + configJson, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot parse " + configJson + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Builds a config from a parsed {@code config.json}, applying Hugging Face's defaults. */
    public static LlamaConfig fromJson(JsonNode root) {
        JsonNode archs = root.path("architectures");
        if (!archs.isArray() || archs.isEmpty()) {
            throw new IllegalArgumentException("architectures: missing");
        }
        String arch = archs.get(0).asText();
        int hidden = required(root, "hidden_size");
        int heads = required(root, "num_attention_heads");
        boolean qwen = arch.equals("Qwen2ForCausalLM");
        boolean attentionBias = root.path("attention_bias").asBoolean(false);
        RopeScaling scaling = null;
        JsonNode rs = root.path("rope_scaling");
        if (rs.isObject()) {
            String type = rs.has("rope_type") ? rs.get("rope_type").asText() : rs.path("type").asText("");
            if (!type.equals("default")) {
                scaling = new RopeScaling(
                        type,
                        rs.path("factor").asDouble(1.0),
                        rs.path("low_freq_factor").asDouble(1.0),
                        rs.path("high_freq_factor").asDouble(4.0),
                        rs.path("original_max_position_embeddings").asInt(8192));
            }
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.path("eos_token_id");
        if (eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else if (eosNode.isNumber()) {
            eos.add(eosNode.asInt());
        }
        JsonNode headDimNode = root.path("head_dim");
        return new LlamaConfig(
                arch,
                hidden,
                required(root, "intermediate_size"),
                required(root, "num_hidden_layers"),
                heads,
                root.path("num_key_value_heads").asInt(heads),
                headDimNode.isNumber() ? headDimNode.asInt() : hidden / heads,
                required(root, "vocab_size"),
                root.path("max_position_embeddings").asInt(2048),
                root.path("rms_norm_eps").asDouble(1e-6),
                root.path("rope_theta").asDouble(10000.0),
                scaling,
                root.path("tie_word_embeddings").asBoolean(false),
                qwen || attentionBias,
                !qwen && attentionBias,
                root.path("mlp_bias").asBoolean(false),
                root.path("bos_token_id").asInt(1),
                eos);
    }

    private static int required(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException(field + ": missing or not a number");
        }
        return n.asInt();
    }

    /** Serialises this config as a Hugging Face {@code config.json} object. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(architecture);
        o.put("model_type", switch (architecture) {
            case "MistralForCausalLM" -> "mistral";
            case "Qwen2ForCausalLM" -> "qwen2";
            default -> "llama";
        });
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim);
        o.put("vocab_size", vocabSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling != null) {
            ObjectNode rs = o.putObject("rope_scaling");
            rs.put("rope_type", ropeScaling.type());
            rs.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                rs.put("low_freq_factor", ropeScaling.lowFreqFactor());
                rs.put("high_freq_factor", ropeScaling.highFreqFactor());
                rs.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
        }
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (!architecture.equals("Qwen2ForCausalLM")) {
            o.put("attention_bias", qkvBias);
        }
        o.put("mlp_bias", mlpBias);
        o.put("hidden_act", "silu");
        o.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        o.put("torch_dtype", "float32");
        return o;
    }

    /** Writes {@link #toJson()} to a file. */
    public void save(Path configJson) throws IOException {
        Files.writeString(configJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()));
    }
}
