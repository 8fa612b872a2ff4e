package dev.personaforge.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes the hash the Hub reports for a file: SHA-256 of the content for LFS files, the git blob SHA-1
 * ({@code "blob <size>\0"} followed by the content) for files kept in git itself.
 */
final class ContentHash {

    private final MessageDigest digest;
    private final String expected;
    private final String algorithm;
    private final byte[] prefix;

    private ContentHash(String javaAlgorithm, String algorithm, String expected, byte[] prefix) {
        this.digest = newDigest(javaAlgorithm);
        this.algorithm = algorithm;
        this.expected = expected;
        this.prefix = prefix;
        reset();
    }

    /** The hash to check {@code file} against, or {@code null} when the Hub reported none (size-only check). */
    static ContentHash expectedFor(RepoFile file) {
        if (file.isLfs()) {
            return new ContentHash("SHA-256", "SHA-256", file.lfsSha256(), new byte[0]);
        }
        if (file.blobId() != null && file.hasSize()) {
            byte[] header = ("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII);
            return new ContentHash("SHA-1", "git blob SHA-1", file.blobId(), header);
        }
        return null;
    }

    void update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
    }

    /** Starts over, for when a server ignored a Range request and sends the file from its start. */
    void reset() {
        digest.reset();
        digest.update(prefix);
    }

    /** Finishes the hash; the object must be {@link #reset()} before reuse. */
    String actual() {
        return HexFormat.of().formatHex(digest.digest());
    }

    String expected() {
        return expected;
    }

    /** Human name of the hash, for messages. */
    String algorithm() {
        return algorithm;
    }

    private static MessageDigest newDigest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has " + name, e);
        }
    }
}
