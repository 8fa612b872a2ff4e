package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny random Llama / Mistral / Qwen2 checkpoints written in Hugging Face layout by the tests themselves. */
public final class TinyCheckpoints {
    public static final int VOCAB = 64;

    private TinyCheckpoints() {}

    /** Llama with GQA, head_dim different from hidden/heads, and llama3 RoPE scaling. */
    public static LlamaConfig llama() {
        return new LlamaConfig("LlamaForCausalLM", 32, 48, 2, 4, 2, 16, VOCAB, 256, 1e-5, 500000.0,
                new LlamaConfig.RopeScaling("llama3", 8.0, 1.0, 4.0, 32), false, false, false, false, 1, List.of(2));
    }

    /** Mistral with tied embeddings and 4 query heads per KV head. */
    public static LlamaConfig mistral() {
        return new LlamaConfig("MistralForCausalLM", 32, 64, 2, 4, 1, 8, VOCAB, 256, 1e-5, 10000.0,
                null, true, false, false, false, 1, List.of(2));
    }

    /** Qwen2 with q/k/v bias and tied embeddings. */
    public static LlamaConfig qwen2() {
        return new LlamaConfig("Qwen2ForCausalLM", 32, 48, 2, 4, 2, 8, VOCAB, 256, 1e-6, 1000000.0,
                null, true, true, false, false, 1, List.of(2));
    }

    public static List<LlamaConfig> all() {
        return List.of(llama(), mistral(), qwen2());
    }

    /** Minimal word-level tokenizer.json: tokens {@code <unk> <s> </s> w3 .. w63}, split on whitespace. */
    public static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder("\"<unk>\":0,\"<s>\":1,\"</s>\":2");
        for (int i = 3; i < VOCAB; i++) {
            vocab.append(",\"w").append(i).append("\":").append(i);
        }
        String added = "[" + special(0, "<unk>") + "," + special(1, "<s>") + "," + special(2, "</s>") + "]";
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":" + added
                + ",\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":null,"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"<unk>\"}}";
    }

    private static String special(int id, String content) {
        return "{\"id\":" + id + ",\"content\":\"" + content + "\",\"single_word\":false,\"lstrip\":false,"
                + "\"rstrip\":false,\"normalized\":false,\"special\":true}";
    }

    /**
     * Writes a random model of {@code config} to {@code dir} in {@code dtype}, in one file or two shards
     * plus {@code model.safetensors.index.json}, with tokenizer files. Returns the F32 weights as written
     * (already rounded to {@code dtype}) for comparison, in {@code manager}.
     */
    public static Map<String, float[]> write(Path dir, LlamaConfig config, SafeTensors.Dtype dtype, boolean sharded, long seed)
            throws IOException {
        Files.createDirectories(dir);
        config.save(dir.resolve("config.json"));
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"add_bos_token\":true}");
        Map<String, float[]> written = new LinkedHashMap<>();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
                LlamaForCausalLM model = LlamaForCausalLM.random(config, seed, root, 0.2f)) {
            Map<String, NDArray> sd = model.stateDict();
            if (!sharded) {
                SafeTensors.write(dir.resolve("model.safetensors"), sd, dtype, Map.of("format", "pt"));
            } else {
                List<String> names = new ArrayList<>(sd.keySet());
                Map<String, NDArray> first = new LinkedHashMap<>();
                Map<String, NDArray> second = new LinkedHashMap<>();
                StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
                for (int i = 0; i < names.size(); i++) {
                    String file = i < names.size() / 2 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                    (i < names.size() / 2 ? first : second).put(names.get(i), sd.get(names.get(i)));
                    index.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":\"").append(file).append('"');
                }
                index.append("}}");
                SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, dtype, null);
                SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, dtype, null);
                Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
            }
            for (Map.Entry<String, NDArray> e : sd.entrySet()) {
                float[] v = e.getValue().toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = switch (dtype) {
                        case F32 -> v[i];
                        case F16 -> SafeTensors.halfToFloat(SafeTensors.floatToHalf(v[i]));
                        case BF16 -> Float.intBitsToFloat((SafeTensors.floatToBf16(v[i]) & 0xFFFF) << 16);
                    };
                }
                written.put(e.getKey(), v);
            }
        }
        return written;
    }
}
