package dev.personaforge.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns generated token ids into text deltas that are always whole UTF-8 characters: a byte-fallback
 * token that ends mid-character decodes to U+FFFD, so its text is held back until the character is
 * complete. Text that could still become a stop string is held back too; a completed stop string
 * ends the text just before it.
 */
public final class StreamingDecoder {
    private final TextTokenizer tokenizer;
    private final List<String> stopStrings;
    private final List<Long> ids = new ArrayList<>();
    private String text = "";
    private int emitted;
    private boolean stopped;

    public StreamingDecoder(TextTokenizer tokenizer, List<String> stopStrings) {
        this.tokenizer = tokenizer;
        this.stopStrings = List.copyOf(stopStrings);
    }

    /**
     * Adds one token (not an EOS: those end the text without being decoded) and returns the new
     * safe text; {@code last} flushes everything, including an incomplete trailing character.
     */
    public String accept(long token, boolean last) {
        ids.add(token);
        String full = tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray(), true);
        int stopAt = -1;
        for (String stop : stopStrings) {
            int at = full.indexOf(stop);
            if (at >= 0 && (stopAt < 0 || at < stopAt)) {
                stopAt = at;
            }
        }
        if (stopAt >= 0) {
            full = full.substring(0, stopAt);
            stopped = true;
        }
        text = full;
        return drain(last || stopped);
    }

    /** Emits whatever is held back (call when generation ends for another reason, e.g. EOS). */
    public String flush() {
        return drain(true);
    }

    private String drain(boolean last) {
        int safe = safeLength(text, stopStrings, last);
        if (safe > emitted && text.length() >= safe) {
            String delta = text.substring(emitted, safe);
            emitted = safe;
            return delta;
        }
        return "";
    }

    /** True once a stop string has appeared. */
    public boolean stopped() {
        return stopped;
    }

    /** The decoded text so far (up to a stop string), including held-back characters. */
    public String text() {
        return text;
    }

    /** Length of the prefix of {@code text} that is complete UTF-8 and cannot grow into a stop string. */
    static int safeLength(String text, List<String> stops, boolean last) {
        int end = text.length();
        if (last) {
            return end;
        }
        while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int hold = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, end); k > hold; k--) {
                if (text.regionMatches(end - k, stop, 0, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return end - hold;
    }
}
