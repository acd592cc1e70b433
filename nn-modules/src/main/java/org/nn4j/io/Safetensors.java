package org.nn4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length {@code N}, {@code N} bytes of JSON
 * naming each tensor's {@code dtype}, {@code shape} and {@code data_offsets} (plus string-to-string
 * {@code __metadata__}), then the tensors' little-endian bytes, back to back. nn4j writes F32 and F64
 * tensors, pads the header with spaces to a multiple of 8, and records in the metadata under {@value
 * #CHECKSUM} a SHA-256 over the header (every tensor's name, dtype, shape and offsets, every other
 * metadata entry) and the tensor bytes, which reading verifies: an edited header or metadata entry
 * fails as surely as a flipped bit in a weight. Files from before that carry {@value
 * #TENSOR_CHECKSUM}, the SHA-256 of the tensor bytes alone, which is verified too.
 *
 * <p>Writes are atomic: the file is written beside its target, forced to disk and renamed over it,
 * so a crash leaves either the old file or the new one, never half of one.
 */
public final class Safetensors {
    /** Metadata key of the checksum over header and tensor bytes: {@code sha256:} and 64 hex digits. */
    public static final String CHECKSUM = "nn4j.checksum";
    /** Metadata key of the SHA-256 (hex) of the tensor bytes alone, as older files carry it. */
    public static final String TENSOR_CHECKSUM = "nn4j.sha256";
    private static final ObjectMapper HEADER_JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_HEADER = 100L << 20;
    /** The largest file read: Java's arrays hold fewer than 2^31 bytes. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 64;

    private Safetensors() {
    }

    /**
     * A tensor: element type {@code F32}, {@code F64} or {@code I64} (as PyTorch stores batch
     * normalisation's {@code num_batches_tracked}), shape, and its values in row-major order (held
     * exactly as doubles, up to 2^53 for I64).
     */
    public record Tensor(String dtype, long[] shape, double[] values) {
        /** Checks the dtype (F32, F64 or I64) and that the values fill the shape. */
        public Tensor {
            if (!dtype.equals("F32") && !dtype.equals("F64") && !dtype.equals("I64")) {
                throw new IllegalArgumentException("only F32, F64 and I64 tensors, not " + dtype);
            }
            long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (count != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count + " values, not "
                        + values.length);
            }
        }

        int elementBytes() {
            return dtype.equals("F32") ? 4 : 8;
        }
    }

    /** The little-endian bytes of {@code values} as elements of {@code dtype} ({@code F32} or {@code F64}). */
    public static byte[] bytes(String dtype, double[] values) {
        boolean f32 = dtype.equals("F32");
        ByteBuffer out = ByteBuffer.allocate(values.length * (f32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (f32) {
                out.putFloat((float) v);
            } else {
                out.putDouble(v);
            }
        }
        return out.array();
    }

    /**
     * The values that {@link #bytes} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a whole number of elements
     */
    public static double[] values(String dtype, byte[] bytes) {
        int size = dtype.equals("F32") ? 4 : 8;
        if (bytes.length % size != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not a whole number of " + dtype + " values");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[bytes.length / size];
        for (int i = 0; i < values.length; i++) {
            values[i] = size == 4 ? in.getFloat() : in.getDouble();
        }
        return values;
    }

    /**
     * What a file holds: tensors by name, in file order, and the metadata.
     *
     * @param verified what its checksum covered: {@link Verified#WHOLE} header and tensors, {@link
     *     Verified#TENSORS} (an older file) or {@link Verified#NONE} (a file with no checksum, such as
     *     one that PyTorch saved)
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, Verified verified) {
    }

    /** What a file's checksum covered. */
    public enum Verified {
        /** No checksum: the file was not written by nn4j. */
        NONE,
        /** The tensor bytes alone (files written before the header was covered). */
        TENSORS,
        /** Header, metadata and tensor bytes. */
        WHOLE
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file} atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        long dataLength = 0;
        for (Tensor t : tensors.values()) {
            dataLength += (long) t.values().length * t.elementBytes();
        }
        if (dataLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensors of " + dataLength + " bytes are more than one file can hold here");
        }
        ByteBuffer data = ByteBuffer.allocate((int) dataLength).order(ByteOrder.LITTLE_ENDIAN);
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach((key, value) -> {
            if (!key.equals(CHECKSUM) && !key.equals(TENSOR_CHECKSUM)) {
                meta.put(key, value);
            }
        });
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Tensor t = entry.getValue();
            long begin = data.position();
            for (double v : t.values()) {
                if (t.dtype().equals("F32")) {
                    data.putFloat((float) v);
                } else if (t.dtype().equals("I64")) {
                    data.putLong((long) v);
                } else {
                    data.putDouble(v);
                }
            }
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", t.dtype());
            Arrays.stream(t.shape()).forEach(node.putArray("shape")::add);
            node.putArray("data_offsets").add(begin).add(data.position());
            entries.add(new TensorEntry(entry.getKey(), t.dtype(), t.shape(), begin, data.position()));
        }
        Map<String, String> covered = new LinkedHashMap<>();
        meta.fields().forEachRemaining(m -> covered.put(m.getKey(), m.getValue().asText()));
        meta.put(CHECKSUM, checksum(covered, entries, data.array(), 0, data.array().length));
        byte[] headerBytes = json.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        data.flip();
        AtomicFiles.write(file, prefix, data);
    }

    /**
     * Reads and checks a file.
     *
     * @throws InvalidInputException naming the file and what is wrong: missing, truncated, malformed
     *     header, overlapping or missing tensor bytes, or a checksum that does not match
     */
    public static Contents read(Path file) {
        return read(InputFiles.read(file, MAX_FILE, "a safetensors file"), file.toString());
    }

    /**
     * Reads and checks the bytes of a file; {@code file} names it in messages.
     *
     * @throws InvalidInputException as {@link #read(Path)} does
     */
    public static Contents read(byte[] bytes, String file) {
        return read(bytes, file, true);
    }

    /** As {@link #read(byte[], String)}; without {@code verify}, the checksums are not compared (for fuzzing). */
    static Contents read(byte[] bytes, String file, boolean verify) {
        if (bytes.length < 8) {
            throw new InvalidInputException(file + ": truncated: " + bytes.length + " bytes, fewer than the 8 of the"
                    + " header length; not a safetensors file");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
            throw new InvalidInputException(file + ": header length " + headerLength + " does not fit a file of "
                    + bytes.length + " bytes; truncated, or not a safetensors file");
        }
        // One JSON object, padded with spaces at most: text after it is refused, not ignored.
        JsonNode header = InputFiles.json(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8),
                file + ": the header");
        if (header == null || !header.isObject()) {
            throw new InvalidInputException(file + ": the header is not a JSON object");
        }
        int dataStart = 8 + (int) headerLength;
        int dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                if (!entry.getValue().isObject()) {
                    throw new InvalidInputException(file + ": __metadata__ is not a JSON object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = entry.getValue().fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> item = m.next();
                    if (!item.getValue().isTextual()) {
                        throw new InvalidInputException(file + ": metadata '" + InvalidInputException.shown(item.getKey())
                                + "' is not a string; safetensors metadata maps strings to strings");
                    }
                    metadata.put(item.getKey(), item.getValue().asText());
                }
                continue;
            }
            entries.add(entry(file, entry.getKey(), entry.getValue(), dataLength));
        }
        List<long[]> ranges = new ArrayList<>();
        entries.forEach(e -> ranges.add(new long[] {e.begin(), e.end()}));
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long expectedStart = 0;
        for (long[] range : ranges) {
            if (range[0] != expectedStart) {
                throw new InvalidInputException(file + ": tensor bytes overlap or leave a gap at byte " + expectedStart
                        + " of the data");
            }
            expectedStart = range[1];
        }
        if (expectedStart != dataLength) {
            throw new InvalidInputException(file + ": " + (dataLength - expectedStart) + " bytes after the last tensor;"
                    + " the tensors cover " + expectedStart + " of " + dataLength);
        }
        Verified verified = Verified.NONE;
        String whole = metadata.get(CHECKSUM);
        String tensorsOnly = metadata.get(TENSOR_CHECKSUM);
        if (verify && whole != null) {
            Map<String, String> covered = new LinkedHashMap<>(metadata);
            covered.remove(CHECKSUM);
            String actual = checksum(covered, entries, bytes, dataStart, dataLength);
            if (!actual.equals(whole)) {
                throw new InvalidInputException(file + ": checksum mismatch: header and tensors hash to " + actual
                        + ", the file records " + cut(whole) + "; the file is corrupt or was edited");
            }
            verified = Verified.WHOLE;
        } else if (verify && tensorsOnly != null) {
            String actual = sha256(Arrays.copyOfRange(bytes, dataStart, bytes.length));
            if (!actual.equals(tensorsOnly)) {
                throw new InvalidInputException(file + ": checksum mismatch: the tensor bytes hash to " + actual
                        + ", the header records " + cut(tensorsOnly) + "; the file is corrupt");
            }
            verified = Verified.TENSORS;
        }
        for (TensorEntry e : entries) {
            tensors.put(e.name(), e.read(buffer, dataStart));
        }
        return new Contents(tensors, metadata, verified);
    }

    /** One tensor's header entry, checked against the data's length. */
    private record TensorEntry(String name, String dtype, long[] shape, long begin, long end) {
        Tensor read(ByteBuffer buffer, int dataStart) {
            int elementBytes = dtype.equals("F32") ? 4 : 8;
            double[] values = new double[(int) ((end - begin) / elementBytes)];
            for (int i = 0; i < values.length; i++) {
                int at = dataStart + (int) begin + i * elementBytes;
                values[i] = elementBytes == 4 ? buffer.getFloat(at)
                        : dtype.equals("I64") ? buffer.getLong(at) : buffer.getDouble(at);
            }
            return new Tensor(dtype, shape, values);
        }
    }

    /**
     * The checksum of a file: SHA-256 over a canonical form of its header (metadata but the checksum
     * itself, by key; each tensor's name, dtype, shape and offsets, by name), so that rewriting the JSON
     * with other spacing or key order keeps it, followed by the tensor bytes.
     */
    private static String checksum(Map<String, String> metadata, List<TensorEntry> entries, byte[] bytes, int from,
            int length) {
        com.fasterxml.jackson.databind.node.ArrayNode canonical = HEADER_JSON.createArrayNode();
        com.fasterxml.jackson.databind.node.ArrayNode meta = canonical.addArray();
        new java.util.TreeMap<>(metadata).forEach((k, v) -> meta.addArray().add(k).add(v));
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        for (TensorEntry e : sorted) {
            com.fasterxml.jackson.databind.node.ArrayNode t = canonical.addArray().add(e.name()).add(e.dtype());
            Arrays.stream(e.shape()).forEach(t.addArray()::add);
            t.add(e.begin()).add(e.end());
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] head = HEADER_JSON.writeValueAsBytes(canonical);
            sha.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            sha.update(head);
            sha.update(bytes, from, length);
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
        }
    }

    private static TensorEntry entry(String file, String name, JsonNode node, int dataLength) {
        String where = file + ": tensor '" + InvalidInputException.shown(name) + "'";
        JsonNode dtype = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!node.isObject() || dtype == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new InvalidInputException(where + " needs dtype, shape and data_offsets [begin, end]");
        }
        if (!dtype.asText().equals("F32") && !dtype.asText().equals("F64") && !dtype.asText().equals("I64")) {
            throw new InvalidInputException(where + " has dtype " + InvalidInputException.shown(dtype.asText())
                    + "; nn4j reads F32, F64 and I64");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            shape[i] = d.isIntegralNumber() && d.canConvertToLong() ? d.asLong() : -1;
            if (shape[i] < 0) {
                throw new InvalidInputException(where + " has shape " + InvalidInputException.shown(shapeNode.toString())
                        + "; dimensions are whole numbers of at least 0");
            }
            count = shape[i] == 0 || count == 0 ? 0 : count > Long.MAX_VALUE / 8 / shape[i] ? -1 : count * shape[i];
            if (count < 0) {
                throw new InvalidInputException(where + " has shape " + InvalidInputException.shown(shapeNode.toString())
                        + ", more values than any file holds");
            }
        }
        JsonNode b = offsets.get(0);
        JsonNode e = offsets.get(1);
        long begin = b.isIntegralNumber() && b.canConvertToLong() ? b.asLong() : -1;
        long end = e.isIntegralNumber() && e.canConvertToLong() ? e.asLong() : -1;
        int elementBytes = dtype.asText().equals("F32") ? 4 : 8;
        if (begin < 0 || end < begin || end > dataLength) {
            throw new InvalidInputException(where + ": data_offsets " + InvalidInputException.shown(offsets.toString())
                    + " lie outside the " + dataLength + " bytes of data; the file is truncated or corrupt");
        }
        if (end - begin != count * elementBytes) {
            throw new InvalidInputException(where + ": shape " + Arrays.toString(shape) + " needs " + count * elementBytes
                    + " bytes, data_offsets give " + (end - begin));
        }
        return new TensorEntry(name, dtype.asText(), shape, begin, end);
    }

    private static String cut(String checksum) {
        return checksum.length() <= 100 ? checksum : InvalidInputException.shown(checksum);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
