package dev.personaforge.dataset;

/**
 * Builds the prompt of an Alpaca-style record, shared by the JSON and CSV readers.
 */
final class AlpacaPrompt {

    private AlpacaPrompt() {
    }

    /** The instruction alone, or followed by a blank line and the input when the input has text. */
    static String of(String instruction, String input) {
        return input == null || input.isBlank() ? instruction : instruction + "\n\n" + input;
    }
}
