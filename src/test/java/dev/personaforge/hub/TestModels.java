package dev.personaforge.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Builds tiny model files for tests: a Llama-style config, tokenizer files and safetensors written byte by byte.
 */
final class TestModels {

    static final String CONFIG = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 2048, "vocab_size": 16, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16"}
            """;
    static final String TOKENIZER = "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}";
    static final String TOKENIZER_CONFIG_WITH_TEMPLATE =
            "{\"chat_template\": \"{% for m in messages %}{{ m.content }}{% endfor %}\"}";
    static final String TOKENIZER_CONFIG_WITHOUT_TEMPLATE = "{\"model_max_length\": 2048}";

    private TestModels() {
    }

    /**
     * A safetensors file with F32 tensors of the given shapes: 8-byte little-endian header length, the JSON
     * header, then the tensor data (seeded random so different files hash differently).
     */
    static byte[] safetensors(Map<String, long[]> tensors, long seed) {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            long count = 1;
            StringBuilder shape = new StringBuilder();
            for (long d : t.getValue()) {
                count *= d;
                shape.append(shape.length() == 0 ? "" : ",").append(d);
            }
            header.append(",\"").append(t.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + count * 4).append("]}");
            offset += count * 4;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        byte[] data = new byte[(int) offset];
        new Random(seed).nextBytes(data);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The tensors of the tiny model: 16x8 embedding, two 8x8 layers, an 8-element norm = 264 parameters. */
    static Map<String, long[]> tinyTensors() {
        Map<String, long[]> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", new long[]{16, 8});
        t.put("model.layers.0.self_attn.q_proj.weight", new long[]{8, 8});
        t.put("model.layers.1.self_attn.q_proj.weight", new long[]{8, 8});
        t.put("model.norm.weight", new long[]{8});
        return t;
    }

    static final long TINY_PARAMETERS = 16 * 8 + 8 * 8 + 8 * 8 + 8;

    /** A weights file big enough (about 200 KB) for transfers to take several buffers. */
    static byte[] bigWeights() {
        return safetensors(Map.of("model.embed_tokens.weight", new long[]{200, 256}), 7);
    }

    static String readme(String frontMatter) {
        return "---\n" + frontMatter + "\n---\n\n# Tiny model\n\nA model for tests.\n";
    }

    /** Writes a complete tiny single-file model into {@code dir}. */
    static Path writeTinyModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER);
        Files.writeString(dir.resolve("tokenizer_config.json"), TOKENIZER_CONFIG_WITH_TEMPLATE);
        Files.write(dir.resolve("model.safetensors"), safetensors(tinyTensors(), 1));
        return dir;
    }

    /** Adds the tiny model's files to a fake Hub repository. */
    static FakeHub.Repo addTinyRepo(FakeHub hub, String id, byte[] weights) {
        FakeHub.Repo repo = hub.add(id, "0123456789abcdef0123456789abcdef01234567");
        repo.file("config.json", CONFIG)
                .file("generation_config.json", "{\"do_sample\": false}")
                .file("tokenizer.json", TOKENIZER)
                .file("tokenizer_config.json", TOKENIZER_CONFIG_WITH_TEMPLATE)
                .file("special_tokens_map.json", "{}")
                .file("README.md", readme("license: apache-2.0"))
                .file("LICENSE", "Apache License\nVersion 2.0, January 2004\n")
                .file("model.safetensors", weights)
                .file("pytorch_model.bin", new byte[]{1, 2, 3})
                .file("onnx/model.onnx", new byte[]{4, 5, 6})
                .file(".gitattributes", "*.safetensors filter=lfs\n");
        repo.cardData.put("license", "apache-2.0");
        return repo;
    }
}
