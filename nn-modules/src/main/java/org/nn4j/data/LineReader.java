package org.nn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a UTF-8 text stream with the byte offset of each, ended as {@link java.io.BufferedReader}
 * ends them ({@code \n}, {@code \r} or {@code \r\n}), each decoded on its own so that bad UTF-8 is
 * told with its line, and a file cut into byte ranges reads as the same lines, numbered the same, as
 * when it is read whole.
 */
public final class LineReader {
    /** The longest line read, in bytes: far beyond any CSV row of features, well within memory. */
    public static final int MAX_LINE_BYTES = 64 << 20;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int filled;
    private int next;
    private long position;
    private byte[] line = new byte[256];

    /** Reads {@code in}, whose next byte is byte {@code position} of the file. */
    public LineReader(InputStream in, long position) {
        this.in = in;
        this.position = position;
    }

    /** The offset in the file of the next line's first byte (or of the end). */
    public long position() {
        return position;
    }

    /**
     * The next line, without its end, or null at the end of the stream.
     *
     * @throws CharacterCodingException when the line is not UTF-8
     * @throws LineTooLongException when the line has more than {@link #MAX_LINE_BYTES} bytes
     */
    public String next() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            int b = read();
            if (b < 0) {
                return any ? decode(length) : null;
            }
            any = true;
            if (b == '\n') {
                return decode(length);
            }
            if (b == '\r') {
                if (peek() == '\n') {
                    read();
                }
                return decode(length);
            }
            if (length == line.length) {
                if (length >= MAX_LINE_BYTES) {
                    throw new LineTooLongException();
                }
                line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = (byte) b;
        }
    }

    private String decode(int length) throws CharacterCodingException {
        for (int i = 0; i < length; i++) {
            if (line[i] < 0) {
                CharBuffer chars = utf8.decode(ByteBuffer.wrap(line, 0, length));
                return chars.toString();
            }
        }
        // ASCII, the text of most CSV files: one copy of the bytes, no buffer of chars twice their size.
        return new String(line, 0, length, StandardCharsets.ISO_8859_1);
    }

    private int read() throws IOException {
        if (next == filled && !fill()) {
            return -1;
        }
        position++;
        return buffer[next++] & 0xFF;
    }

    private int peek() throws IOException {
        if (next == filled && !fill()) {
            return -1;
        }
        return buffer[next] & 0xFF;
    }

    private boolean fill() throws IOException {
        filled = in.read(buffer);
        next = 0;
        if (filled <= 0) {
            filled = 0;
            return false;
        }
        return true;
    }

    /** A line longer than {@link #MAX_LINE_BYTES}: not a text file of rows, or not one nn4j can hold. */
    public static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException() {
            super("a line longer than " + (MAX_LINE_BYTES >> 20) + " MiB");
        }
    }
}
