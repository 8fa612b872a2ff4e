package dev.personaforge.openai;

import dev.personaforge.model.TextTokenizer;

import java.util.Arrays;

/**
 * The text each token adds, for log-probability listings. A token is decoded after a few tokens of context and the
 * context's own text is taken off, so word-initial spaces survive (decoding a lone SentencePiece token drops them).
 * A byte-fallback token that ends inside a UTF-8 character shows as U+FFFD, as its bytes alone are not text.
 */
final class TokenTexts {

    /** Tokens of context before the one being decoded. */
    private static final int CONTEXT = 4;

    private final TextTokenizer tokenizer;
    private long[] history;
    private int length;

    /** @param promptIds the prompt, whose last tokens are the context of the first generated token */
    TokenTexts(TextTokenizer tokenizer, long[] promptIds) {
        this.tokenizer = tokenizer;
        this.history = Arrays.copyOf(promptIds, promptIds.length + 64);
        this.length = promptIds.length;
    }

    /** The text {@code token} would add at the current position. */
    String text(long token) {
        long[] context = Arrays.copyOfRange(history, Math.max(0, length - CONTEXT), length);
        long[] with = Arrays.copyOf(context, context.length + 1);
        with[context.length] = token;
        String before = tokenizer.decode(context, false);
        String after = tokenizer.decode(with, false);
        int common = 0;
        int max = Math.min(before.length(), after.length());
        while (common < max && before.charAt(common) == after.charAt(common)) {
            common++;
        }
        return after.substring(common);
    }

    /** Moves past {@code token}, the one that was generated at the current position. */
    void advance(long token) {
        if (length == history.length) {
            history = Arrays.copyOf(history, history.length * 2);
        }
        history[length++] = token;
    }
}
