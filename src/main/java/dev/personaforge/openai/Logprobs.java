package dev.personaforge.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.personaforge.model.TextTokenizer;
import dev.personaforge.model.TokenLogprob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the engine's per-token log-probabilities in OpenAI's two shapes, token by token so streamed chunks can
 * carry the tokens they hold: chat's {@code {"content": [{token, logprob, bytes, top_logprobs}]}} and the legacy
 * completions' {@code {tokens, token_logprobs, top_logprobs, text_offset}}. End-of-sequence tokens are left out,
 * as they add no text.
 */
final class Logprobs {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TextTokenizer tokenizer;
    private final List<Integer> eosTokenIds;
    private final TokenTexts texts;
    private final List<Long> generated = new ArrayList<>();

    Logprobs(TextTokenizer tokenizer, List<Integer> eosTokenIds, long[] promptIds) {
        this.tokenizer = tokenizer;
        this.eosTokenIds = eosTokenIds;
        this.texts = new TokenTexts(tokenizer, promptIds);
    }

    /** One chat {@code content} entry for the token, or null for an end-of-sequence token. */
    ObjectNode chatEntry(TokenLogprob lp) {
        if (eosTokenIds.contains((int) lp.tokenId())) {
            return null;
        }
        ObjectNode entry = chatToken(texts.text(lp.tokenId()), lp.logprob());
        ArrayNode top = entry.putArray("top_logprobs");
        for (TokenLogprob.Alternative alt : lp.top()) {
            top.add(chatToken(texts.text(alt.tokenId()), alt.logprob()));
        }
        texts.advance(lp.tokenId());
        return entry;
    }

    /** Chat's {@code logprobs} object for the given entries. */
    static ObjectNode chat(List<ObjectNode> entries) {
        ObjectNode logprobs = JSON.objectNode();
        logprobs.putArray("content").addAll(entries);
        logprobs.putNull("refusal");
        return logprobs;
    }

    /** The legacy listing of the tokens, or null when all of them are end-of-sequence tokens. */
    ObjectNode legacy(List<TokenLogprob> tokens, int textLimit) {
        ObjectNode logprobs = JSON.objectNode();
        ArrayNode names = logprobs.putArray("tokens");
        ArrayNode values = logprobs.putArray("token_logprobs");
        ArrayNode tops = logprobs.putArray("top_logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        for (TokenLogprob lp : tokens) {
            if (eosTokenIds.contains((int) lp.tokenId())) {
                continue;
            }
            String text = texts.text(lp.tokenId());
            names.add(text);
            values.add(lp.logprob());
            // OpenAI lists the most likely tokens and always the chosen one, so up to logprobs + 1 entries.
            ObjectNode top = tops.addObject();
            for (TokenLogprob.Alternative alt : lp.top()) {
                top.put(texts.text(alt.tokenId()), alt.logprob());
            }
            if (!top.has(text)) {
                top.put(text, lp.logprob());
            }
            int offset = tokenizer.decode(generated.stream().mapToLong(Long::longValue).toArray(), true).length();
            offsets.add(Math.min(offset, textLimit));
            texts.advance(lp.tokenId());
            generated.add(lp.tokenId());
        }
        return names.isEmpty() ? null : logprobs;
    }

    private static ObjectNode chatToken(String text, double logprob) {
        ObjectNode token = JSON.objectNode();
        token.put("token", text);
        token.put("logprob", logprob);
        ArrayNode bytes = token.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return token;
    }
}
