package dev.personaforge.training;

/**
 * A tokenized training sequence: {@code ids} (prompt, then completion and EOS) and how many leading
 * ids are prompt; the loss covers the rest.
 */
public record TokenizedExample(long[] ids, int promptLength, boolean truncated) {
    public TokenizedExample {
        if (ids.length < 2 || promptLength < 1 || promptLength >= ids.length) {
            throw new IllegalArgumentException("need 1 <= promptLength < ids.length, got " + promptLength + " of " + ids.length);
        }
    }

    int length() {
        return ids.length;
    }
}
