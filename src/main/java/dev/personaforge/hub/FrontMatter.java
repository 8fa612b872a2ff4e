package dev.personaforge.hub;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the top-level {@code key: value} pairs of a model card's YAML front matter (between the opening and
 * closing {@code ---} lines), which is all the licence fields need; nested structures are skipped.
 */
final class FrontMatter {

    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*:(.*)");
    private static final Pattern LIST_ITEM = Pattern.compile("\\s+-\\s+(.*)|-\\s+(.*)");

    private FrontMatter() {
    }

    /** The front matter's top-level scalar values; a key whose value is a list maps to its first item. */
    static Map<String, String> parse(String markdown) {
        List<String> lines = markdown.replace("\uFEFF", "").lines().toList();
        Map<String, String> out = new LinkedHashMap<>();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return out;
        }
        String pendingKey = null;
        for (String line : lines.subList(1, lines.size())) {
            if (line.strip().equals("---") || line.strip().equals("...")) {
                break;
            }
            Matcher item = LIST_ITEM.matcher(line);
            if (pendingKey != null && item.matches()) {
                out.put(pendingKey, scalar(item.group(1) != null ? item.group(1) : item.group(2)));
                pendingKey = null;
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && entry.matches()) {
                String value = scalar(entry.group(2));
                pendingKey = value.isEmpty() ? entry.group(1) : null;
                if (!value.isEmpty()) {
                    out.put(entry.group(1), value);
                }
            }
        }
        return out;
    }

    /** Unquotes a scalar, drops a trailing comment, and takes the first item of an inline {@code [a, b]} list. */
    private static String scalar(String raw) {
        String v = raw.strip();
        if (!v.isEmpty() && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            int close = v.indexOf(v.charAt(0), 1);
            return close > 0 ? v.substring(1, close) : v.substring(1);
        }
        int comment = v.indexOf(" #");
        v = comment >= 0 ? v.substring(0, comment).strip() : v;
        if (v.startsWith("[") && v.endsWith("]")) {
            String inner = v.substring(1, v.length() - 1);
            return scalar(inner.contains(",") ? inner.substring(0, inner.indexOf(',')) : inner);
        }
        return v;
    }
}
