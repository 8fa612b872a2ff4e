package dev.personaforge.training;

/** A tokenized training example: {@code ids} (prompt then completion and EOS) and how many leading ids are prompt. */
record EncodedExample(long[] ids, int promptLength, boolean truncated) {
    int length() {
        return ids.length;
    }

    /** Positions whose next token is a completion token (the loss positions). */
    int labelCount() {
        return ids.length - promptLength;
    }
}
