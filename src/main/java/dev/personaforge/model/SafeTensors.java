package dev.personaforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format in plain Java, converting F16 and BF16 to F32.
 *
 * <p>Layout: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the header), then
 * the raw little-endian data. BF16 is never handed to DJL: creating a BF16 array aborts the JVM.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** On-disk element type for {@link #write}. */
    public enum Dtype {
        F32(4), F16(2), BF16(2);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor's header entry. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    private SafeTensors() {}

    /** Parses the header of a safetensors file, validating offsets against the file size. */
    public static Map<String, Entry> readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("missing file: " + file, e);
        }
    }

    private static Map<String, Entry> readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new ModelLoadException(file + ": truncated (" + size + " bytes, no header)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw new ModelLoadException(
                    file + ": truncated or corrupt header (header length " + headerLen + ", file " + size
                            + " bytes)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        ch.read(hb, 8);
        JsonNode header;
        try {
            header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelLoadException(file + ": header is not valid JSON: " + e.getMessage(), e);
        }
        long dataSize = size - 8 - headerLen;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = f.getValue();
            String dtype = t.path("dtype").asText();
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
            }
            long begin = t.path("data_offsets").path(0).asLong(-1);
            long end = t.path("data_offsets").path(1).asLong(-1);
            long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                default -> throw new ModelLoadException(
                        file + ": tensor " + f.getKey() + " has unsupported dtype " + dtype
                                + " (supported: F32, F16, BF16)");
            };
            if (begin < 0 || end < begin || end - begin != elements * width) {
                throw new ModelLoadException(
                        file + ": tensor " + f.getKey() + " has data_offsets [" + begin + ", " + end
                                + "] inconsistent with shape " + Arrays.toString(shape) + " " + dtype);
            }
            if (end > dataSize) {
                throw new ModelLoadException(
                        file + ": truncated: tensor " + f.getKey() + " ends at byte " + end
                                + " of the data section but only " + dataSize + " bytes are present");
            }
            out.put(f.getKey(), new Entry(f.getKey(), dtype, shape, 8 + headerLen + begin, 8 + headerLen + end));
        }
        return out;
    }

    /**
     * Loads every tensor of a file as FLOAT32 arrays in {@code manager}; {@code accept} filters by name.
     */
    public static Map<String, NDArray> load(Path file, NDManager manager, java.util.function.Predicate<String> accept)
            throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, Entry> header = readHeader(file, ch);
            for (Entry e : header.values()) {
                if (!accept.test(e.name())) {
                    continue;
                }
                out.put(e.name(), read(file, ch, e, manager));
            }
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("missing file: " + file, e);
        }
        return out;
    }

    private static NDArray read(Path file, FileChannel ch, Entry e, NDManager manager) throws IOException {
        long bytes = e.end() - e.begin();
        long elements = e.dtype().equals("F32") ? bytes / 4 : bytes / 2;
        if (elements * 4 > Integer.MAX_VALUE) {
            throw new ModelLoadException(file + ": tensor " + e.name() + " is too large (" + elements + " elements)");
        }
        ByteBuffer raw = ch.map(FileChannel.MapMode.READ_ONLY, e.begin(), bytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f32 = ByteBuffer.allocateDirect((int) (elements * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer dst = f32.asFloatBuffer();
        switch (e.dtype()) {
            case "F32" -> {
                FloatBuffer src = raw.asFloatBuffer();
                dst.put(src);
            }
            case "BF16" -> {
                for (long i = 0; i < elements; i++) {
                    dst.put(Float.intBitsToFloat((raw.getShort() & 0xFFFF) << 16));
                }
            }
            case "F16" -> {
                for (long i = 0; i < elements; i++) {
                    dst.put(halfToFloat(raw.getShort()));
                }
            }
            default -> throw new IllegalStateException(e.dtype());
        }
        f32.rewind();
        NDArray array = manager.create(f32, new Shape(e.shape()), DataType.FLOAT32);
        array.setName(e.name());
        return array;
    }

    /** IEEE 754 binary16 to float, including subnormals, infinities and NaN. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE 754 binary16 with round-to-nearest-even. */
    static short floatToHalf(float f) {
        int x = Float.floatToIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = ((x >>> 23) & 0xFF) - 127 + 15;
        int mant = x & 0x7FFFFF;
        if (((x >>> 23) & 0xFF) == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        }
        if (exp >= 31) {
            return (short) (sign | 0x7C00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = sign | (exp << 10) | (mant >> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) half;
    }

    /** Float to bfloat16 with round-to-nearest-even. */
    static short floatToBf16(float f) {
        int x = Float.floatToIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    /**
     * Writes tensors (any manager, FLOAT32) to a safetensors file in the given dtype, in map order.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Dtype dtype, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> t : tensors.entrySet()) {
            ObjectNode e = header.putObject(t.getKey());
            e.put("dtype", dtype.name());
            var shape = e.putArray("shape");
            for (long d : t.getValue().getShape().getShape()) {
                shape.add(d);
            }
            long bytes = t.getValue().getShape().size() * dtype.bytes;
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - headerBytes.length % 8) % 8;
        byte[] padded = Arrays.copyOf(headerBytes, headerBytes.length + pad);
        Arrays.fill(padded, headerBytes.length, padded.length, (byte) ' ');
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            for (NDArray a : tensors.values()) {
                float[] data = a.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(data.length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : data) {
                    switch (dtype) {
                        case F32 -> buf.putFloat(v);
                        case F16 -> buf.putShort(floatToHalf(v));
                        case BF16 -> buf.putShort(floatToBf16(v));
                    }
                }
                out.write(buf.array());
            }
        }
    }
}
