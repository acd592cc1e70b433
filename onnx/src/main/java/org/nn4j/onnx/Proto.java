package org.nn4j.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One protocol-buffers message being written, field after field: the wire format's varints (wire type
 * 0), 32-bit values (type 5) and length-delimited bytes (type 2), which is all that ONNX's messages use
 * here. A nested message is written on its own and then added as bytes.
 */
final class Proto {
    private static final int VARINT = 0;
    private static final int BYTES = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An integer field (int32, int64 or an enum); a negative value takes ten bytes, as int64's do. */
    Proto integer(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    /** A float field. */
    Proto float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    /** A string field, UTF-8. */
    Proto string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    Proto bytes(int field, byte[] value) {
        tag(field, BYTES);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** A field holding a message. */
    Proto message(int field, Proto message) {
        return bytes(field, message.toBytes());
    }

    /** The message's bytes. */
    byte[] toBytes() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        varint((long) field << 3 | wireType);
    }

    private void varint(long value) {
        // Seven bits a byte, low bits first; the sign bit of a negative value makes it ten bytes long.
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
