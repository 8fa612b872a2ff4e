package dev.personaforge.dataset;

import java.util.Locale;

/**
 * A file format a persona's pairs can be exported to; every one of them can be imported again.
 */
public enum ExportFormat {
    PROMPT_COMPLETION_JSONL("prompt-completion", "prompt/completion JSONL", "jsonl", "application/x-ndjson"),
    OPENAI_CHAT_JSONL("openai-chat", "OpenAI chat JSONL", "jsonl", "application/x-ndjson"),
    CSV("csv", "CSV", "csv", "text/csv; charset=utf-8");

    private final String wireName;
    private final String label;
    private final String fileExtension;
    private final String mediaType;

    ExportFormat(String wireName, String label, String fileExtension, String mediaType) {
        this.wireName = wireName;
        this.label = label;
        this.fileExtension = fileExtension;
        this.mediaType = mediaType;
    }

    /** The name used in URLs and forms: {@code prompt-completion}, {@code openai-chat} or {@code csv}. */
    public String wireName() {
        return wireName;
    }

    /** A short name to show to users. */
    public String label() {
        return label;
    }

    /** The file name extension without the dot, such as {@code jsonl}. */
    public String fileExtension() {
        return fileExtension;
    }

    /** The media type for the download's Content-Type header. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * Finds a format by its {@link #wireName()}, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values when there is none
     */
    public static ExportFormat parse(String text) {
        String name = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (ExportFormat format : values()) {
            if (format.wireName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an export format; use prompt-completion,"
                + " openai-chat or csv");
    }
}
