package dev.personaforge.dataset;

/**
 * The shape of an imported dataset file, as detected from its content.
 */
public enum DatasetFormat {
    PROMPT_COMPLETION("prompt/completion JSONL"),
    OPENAI_CHAT("OpenAI chat JSONL"),
    ALPACA("Alpaca JSON"),
    CSV("CSV");

    private final String label;

    DatasetFormat(String label) {
        this.label = label;
    }

    /** A short name to show to users, such as "OpenAI chat JSONL". */
    public String label() {
        return label;
    }
}
