package dev.personaforge.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that identifies a pair by its text, used everywhere duplicates are detected.
 *
 * <p>Texts are normalized first (line ends to LF, surrounding whitespace removed) so that a pair re-imported
 * from a file written on another system, or with a stray trailing newline, still counts as the same pair.
 */
public final class PairHash {

    private PairHash() {
    }

    /** Lower-case hex SHA-256 of the normalized {@code prompt + "\u0000" + completion}. */
    public static String of(String prompt, String completion) {
        return sha256Hex(normalize(prompt) + "\u0000" + normalize(completion));
    }

    /** The normalization the hash applies: CRLF and CR become LF, then surrounding whitespace is stripped. */
    public static String normalize(String text) {
        return Text.normalizeLineEnds(text == null ? "" : text).strip();
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
