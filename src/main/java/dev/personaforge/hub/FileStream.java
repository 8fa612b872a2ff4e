package dev.personaforge.hub;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The open body of a file download; close it when done.
 *
 * @param body          the bytes, starting at {@code offset}
 * @param offset        where the body starts in the file: the requested offset when the server honoured
 *                      the Range request, {@code 0} when it sent the whole file instead
 * @param contentLength number of bytes in the body, or {@code -1} when the server did not say
 */
public record FileStream(InputStream body, long offset, long contentLength) implements AutoCloseable {

    public FileStream {
        Objects.requireNonNull(body, "body");
        if (offset < 0 || contentLength < -1) {
            throw new IllegalArgumentException("Invalid offset " + offset + " or length " + contentLength);
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
