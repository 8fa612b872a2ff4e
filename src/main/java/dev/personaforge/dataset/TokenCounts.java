package dev.personaforge.dataset;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** A bounded memo of token counts per tokenizer and text, least recently used first out. */
final class TokenCounts {

    private record Key(Path tokenizer, String text) {
    }

    private final Map<Key, Integer> counts;

    TokenCounts(int capacity) {
        this.counts = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    int get(Path tokenizer, String text, IntSupplier count) {
        Key key = new Key(tokenizer, text);
        synchronized (counts) {
            Integer known = counts.get(key);
            if (known != null) {
                return known;
            }
        }
        int n = count.getAsInt();
        synchronized (counts) {
            counts.put(key, n);
        }
        return n;
    }
}
