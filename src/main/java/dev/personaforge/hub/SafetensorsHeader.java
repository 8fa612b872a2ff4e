package dev.personaforge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts a safetensors file's parameters from its header alone (8-byte little-endian length, then JSON),
 * without reading any weights.
 */
final class SafetensorsHeader {

    /** The format's own limit on header size; anything larger is not a safetensors file. */
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsHeader() {
    }

    /** The sum of the element counts of all tensors in {@code file}. */
    static long parameterCount(Path file) throws IOException {
        JsonNode header = read(file);
        long total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> tensor = it.next();
            if (!tensor.getKey().equals("__metadata__")) {
                total = Math.addExact(total, elements(file, tensor.getKey(), tensor.getValue()));
            }
        }
        return total;
    }

    private static JsonNode read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, file);
            long n = len.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || n > ch.size() - 8) {
                throw new IOException(file.getFileName() + " is not a valid safetensors file (header length " + n
                        + " in a file of " + ch.size() + " bytes)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(ch, json, file);
            JsonNode header = JSON.readTree(json.array());
            if (!header.isObject()) {
                throw new IOException(file.getFileName() + " has a safetensors header that is not a JSON object");
            }
            return header;
        }
    }

    private static long elements(Path file, String name, JsonNode tensor) throws IOException {
        JsonNode shape = tensor.path("shape");
        if (!shape.isArray()) {
            throw new IOException("Tensor " + name + " in " + file.getFileName() + " has no shape");
        }
        long count = 1;
        for (JsonNode dim : shape) {
            if (!dim.canConvertToLong() || dim.asLong() < 0) {
                throw new IOException("Tensor " + name + " in " + file.getFileName() + " has an invalid shape " + shape);
            }
            count = Math.multiplyExact(count, dim.asLong());
        }
        return count;
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (ch.read(buffer) < 0) {
                throw new IOException(file.getFileName() + " ends inside its safetensors header; it is truncated");
            }
        }
    }
}
