package dev.personaforge.dataset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes an uploaded file as strict UTF-8, explaining in plain words why a file in another encoding is refused.
 */
final class Utf8Text {

    private static final int SNIFF_BYTES = 4096;

    private Utf8Text() {
    }

    /** The file's text without a UTF-8 byte order mark, or null after reporting why it isn't UTF-8. */
    static String decode(byte[] bytes, Problems problems) {
        String wrongEncoding = detectWideEncoding(bytes);
        if (wrongEncoding != null) {
            problems.error(0, null, "the file is " + wrongEncoding + " encoded; save it as UTF-8 and upload it again");
            return null;
        }
        int start = hasUtf8Bom(bytes) ? 3 : 0;
        try {
            return newDecoder().decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (CharacterCodingException e) {
            reportInvalidLines(bytes, start, problems);
            return null;
        }
    }

    /** Names UTF-16 or UTF-32 when a byte order mark or many NUL bytes give it away, else null. */
    private static String detectWideEncoding(byte[] b) {
        if (startsWith(b, 0xFF, 0xFE, 0x00, 0x00) || startsWith(b, 0x00, 0x00, 0xFE, 0xFF)) {
            return "UTF-32";
        }
        if (startsWith(b, 0xFF, 0xFE) || startsWith(b, 0xFE, 0xFF)) {
            return "UTF-16";
        }
        int sniffed = Math.min(b.length, SNIFF_BYTES);
        int nuls = 0;
        for (int i = 0; i < sniffed; i++) {
            if (b[i] == 0) {
                nuls++;
            }
        }
        // Text in UTF-16 without a BOM is about half NUL bytes when mostly Latin; real UTF-8 text has none.
        return sniffed > 0 && nuls * 10 >= sniffed ? "UTF-16" : null;
    }

    private static boolean hasUtf8Bom(byte[] b) {
        return startsWith(b, 0xEF, 0xBB, 0xBF);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decodes line by line so each bad line is named with the byte and its column. */
    private static void reportInvalidLines(byte[] bytes, int start, Problems problems) {
        int line = 1;
        int lineStart = start;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int badOffset = firstMalformedOffset(bytes, lineStart, i - lineStart);
                if (badOffset >= 0) {
                    int badByte = bytes[lineStart + badOffset] & 0xFF;
                    problems.error(line, null, String.format(Locale.ROOT,
                            "not valid UTF-8 (byte 0x%02X at column %d); save the file as UTF-8", badByte,
                            badOffset + 1));
                }
                line++;
                lineStart = i + 1;
            }
        }
    }

    /** Byte offset of the first malformed sequence within the slice, or -1 when the slice decodes. */
    private static int firstMalformedOffset(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        CharsetDecoder decoder = newDecoder();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        return result.isError() ? in.position() - offset : -1;
    }

    private static CharsetDecoder newDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
