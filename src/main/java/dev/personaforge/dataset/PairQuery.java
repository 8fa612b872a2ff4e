package dev.personaforge.dataset;

/**
 * Search and filter of the pairs table: text in prompt or completion, one tag, and the effective split.
 * Blank values mean "no filter"; {@code page} counts from 0.
 */
public record PairQuery(String text, String tag, String split, int page, int size) {

    public static final int MAX_PAGE_SIZE = 500;

    /** The query string of this search at another page, for pager links. */
    public String pageLink(int otherPage) {
        StringBuilder link = new StringBuilder("?page=").append(otherPage);
        append(link, "q", text);
        append(link, "tag", tag);
        append(link, "split", split);
        return link.toString();
    }

    private static void append(StringBuilder link, String name, String value) {
        if (value != null && !value.isBlank()) {
            link.append('&').append(name).append('=')
                    .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public boolean hasText() {
        return text != null && !text.isBlank();
    }

    public boolean hasTag() {
        return tag != null && !tag.isBlank();
    }

    public boolean hasSplit() {
        return split != null && !split.isBlank();
    }
}
