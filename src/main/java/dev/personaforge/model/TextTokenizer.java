package dev.personaforge.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's native tokenizers binding) plus the special
 * tokens declared in {@code tokenizer_config.json}.
 */
public final class TextTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final String bosToken;
    private final String eosToken;
    private final String padToken;
    private final boolean addBosToken;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens, String bosToken,
            String eosToken, String padToken, boolean addBosToken) {
        this.tokenizer = tokenizer;
        this.addedTokens = addedTokens;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.padToken = padToken;
        this.addBosToken = addBosToken;
    }

    /** Loads {@code tokenizer.json} and, when present, {@code tokenizer_config.json} from a model directory. */
    public static TextTokenizer load(Path dir) throws IOException {
        Torch.init();
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("missing file: " + file);
        }
        Map<String, Integer> added = new HashMap<>();
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            for (JsonNode t : root.path("added_tokens")) {
                added.put(t.path("content").asText(), t.path("id").asInt());
            }
        } catch (IOException e) {
            throw new ModelLoadException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000000"));
        } catch (RuntimeException e) {
            throw new ModelLoadException(file + ": tokenizer cannot be loaded: " + e.getMessage(), e);
        }
        String bos = null;
        String eos = null;
        String pad = null;
        boolean addBos = false;
        Path cfgFile = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfgFile)) {
            JsonNode cfg = JSON.readTree(Files.readString(cfgFile));
            bos = tokenText(cfg.get("bos_token"));
            eos = tokenText(cfg.get("eos_token"));
            pad = tokenText(cfg.get("pad_token"));
            addBos = cfg.path("add_bos_token").asBoolean(false);
        }
        return new TextTokenizer(hf, added, bos, eos, pad, addBos);
    }

    static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    /** Token ids of {@code text}; {@code addSpecialTokens} applies the tokenizer's post-processor (e.g. BOS). */
    public long[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens, false).getIds();
    }

    /** Text of {@code ids}; {@code skipSpecialTokens} drops BOS/EOS and other special tokens. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** Id of a special or added token, or -1 if the tokenizer does not define it. */
    public int tokenId(String token) {
        if (token == null) {
            return -1;
        }
        Integer id = addedTokens.get(token);
        if (id != null) {
            return id;
        }
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? (int) ids[0] : -1;
    }

    /** {@code bos_token} text from tokenizer_config.json, or null. */
    public String bosToken() {
        return bosToken;
    }

    /** {@code eos_token} text from tokenizer_config.json, or null. */
    public String eosToken() {
        return eosToken;
    }

    /** {@code pad_token} text from tokenizer_config.json, or null. */
    public String padToken() {
        return padToken;
    }

    /** Whether {@code tokenizer_config.json} asks for a BOS token in front of plain text. */
    public boolean addBosToken() {
        return addBosToken;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
