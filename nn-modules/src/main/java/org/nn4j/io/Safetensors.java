package org.nn4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * <p>Files are read and written a tensor at a time, so their size is bounded by memory alone (and a
 * tensor by Java's arrays: {@value #MAX_TENSOR_VALUES} values). The header is bounded as the format's
 * reference reader bounds it, {@value #MAX_HEADER_BYTES} bytes, and so are the entries in it: at most
 * {@value #MAX_TENSORS} tensors, {@value #MAX_METADATA} metadata entries and {@value #MAX_DIMENSIONS}
 * dimensions a tensor, counted while the header is read, so that no header costs more memory than
 * its own size a few times over. Writing refuses what reading would refuse.
 *
 * <p>Writes are atomic: the file is written beside its target, forced to disk and renamed over it,
 * so a crash leaves either the old file or the new one, never half of one.
 */
public final class Safetensors {
    /** Metadata key of the checksum over header and tensor bytes: {@code sha256:} and 64 hex digits. */
    public static final String CHECKSUM = "nn4j.checksum";
    /** Metadata key of the SHA-256 (hex) of the tensor bytes alone, as older files carry it. */
    public static final String TENSOR_CHECKSUM = "nn4j.sha256";
    /** The largest header, in bytes: the bound of the format's reference reader. */
    public static final int MAX_HEADER_BYTES = 100_000_000;
    /** The most tensors a file may name (a model of 20,000 layers of five tensors each). */
    public static final int MAX_TENSORS = 100_000;
    /** The most metadata entries a file may have (nn4j writes fewer than ten). */
    public static final int MAX_METADATA = 1_000;
    /** The most dimensions a tensor may have. */
    public static final int MAX_DIMENSIONS = 32;
    /** The most values a tensor may hold: what one Java array holds. */
    public static final int MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;
    /** The largest file that is not a regular file (a pipe) read here: it is held whole to learn its size. */
    private static final long MAX_STREAMED_FILE = Integer.MAX_VALUE - 64;
    private static final ObjectMapper CANONICAL_JSON = new ObjectMapper();
    /** Bytes converted at a time between values and the file. */
    private static final int CHUNK_BYTES = 1 << 20;

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
            return elementBytes(dtype);
        }

        static int elementBytes(String dtype) {
            return dtype.equals("F32") ? 4 : 8;
        }
    }

    /** The little-endian bytes of {@code values} as elements of {@code dtype} ({@code F32} or {@code F64}). */
    public static byte[] bytes(String dtype, double[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Tensor.elementBytes(dtype)).order(ByteOrder.LITTLE_ENDIAN);
        encode(dtype, values, 0, values.length, out);
        return out.array();
    }

    /**
     * The values that {@link #bytes} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a whole number of elements
     */
    public static double[] values(String dtype, byte[] bytes) {
        int size = Tensor.elementBytes(dtype);
        if (bytes.length % size != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not a whole number of " + dtype + " values");
        }
        double[] values = new double[bytes.length / size];
        decode(dtype, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), values, 0, values.length);
        return values;
    }

    /** Puts {@code values[from, to)} into {@code out} as elements of {@code dtype}. */
    private static void encode(String dtype, double[] values, int from, int to, ByteBuffer out) {
        switch (dtype) {
            case "F32" -> {
                for (int i = from; i < to; i++) {
                    out.putFloat((float) values[i]);
                }
            }
            case "I64" -> {
                for (int i = from; i < to; i++) {
                    out.putLong((long) values[i]);
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    out.putDouble(values[i]);
                }
            }
        }
    }

    /** Fills {@code values[from, to)} from {@code in}'s elements of {@code dtype}. */
    private static void decode(String dtype, ByteBuffer in, double[] values, int from, int to) {
        switch (dtype) {
            case "F32" -> {
                for (int i = from; i < to; i++) {
                    values[i] = in.getFloat();
                }
            }
            case "I64" -> {
                for (int i = from; i < to; i++) {
                    values[i] = in.getLong();
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    values[i] = in.getDouble();
                }
            }
        }
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

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically, a tensor at a time.
     *
     * @return the file's {@value #CHECKSUM}
     * @throws InvalidInputException naming the file when its header would be more than a reader takes:
     *     over {@value #MAX_HEADER_BYTES} bytes, {@value #MAX_TENSORS} tensors or {@value #MAX_METADATA}
     *     metadata entries
     */
    public static String write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Lazy> lazy = new LinkedHashMap<>();
        tensors.forEach((name, t) -> lazy.put(name, new Lazy(t.dtype(), t.shape(), t::values)));
        return writeLazily(file, lazy, metadata);
    }

    /**
     * A tensor whose values are made as it is written (twice: once for the checksum, once for the
     * file), so that no more than one tensor's values are in memory at a time.
     *
     * @param values the values in row-major order, as many as the shape holds
     */
    public record Lazy(String dtype, long[] shape, java.util.function.Supplier<double[]> values) {
        Tensor get() {
            return new Tensor(dtype, shape, values.get());
        }
    }

    /** As {@link #write}, making each tensor's values when they are written. */
    public static String writeLazily(Path file, Map<String, Lazy> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, String> covered = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (!key.equals(CHECKSUM) && !key.equals(TENSOR_CHECKSUM)) {
                covered.put(key, value);
            }
        });
        if (tensors.size() > MAX_TENSORS || covered.size() + 1 > MAX_METADATA) {
            throw new InvalidInputException(file + ": " + tensors.size() + " tensors and " + (covered.size() + 1)
                    + " metadata entries; a file holds at most " + MAX_TENSORS + " and " + MAX_METADATA);
        }
        List<SafetensorsHeader.Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Lazy> entry : tensors.entrySet()) {
            Lazy t = entry.getValue();
            long end = offset + Arrays.stream(t.shape()).reduce(1, (a, b) -> a * b) * Tensor.elementBytes(t.dtype());
            entries.add(new SafetensorsHeader.Entry(entry.getKey(), t.dtype(), t.shape(), offset, end));
            offset = end;
        }
        MessageDigest sha = canonicalDigest(covered, entries);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Lazy t : tensors.values()) {
            forEachChunk(t.get(), chunk, sha::update);
        }
        String checksum = hex(sha);
        ObjectNode header = CANONICAL_JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        covered.forEach(meta::put);
        meta.put(CHECKSUM, checksum);
        for (SafetensorsHeader.Entry e : entries) {
            ObjectNode node = header.putObject(e.name());
            node.put("dtype", e.dtype());
            Arrays.stream(e.shape()).forEach(node.putArray("shape")::add);
            node.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] headerBytes = CANONICAL_JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new InvalidInputException(file + ": its header would be " + padded + " bytes, more than the "
                    + MAX_HEADER_BYTES + " a safetensors file may have (the metadata holds too much)");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        AtomicFiles.write(file, out -> {
            writeFully(out, prefix);
            for (Lazy t : tensors.values()) {
                forEachChunk(t.get(), chunk, bytes -> writeFully(out, bytes));
            }
        });
        return checksum;
    }

    /** Something done with each chunk of a tensor's bytes. */
    private interface ChunkSink {
        void accept(ByteBuffer bytes) throws IOException;
    }

    /** Hands {@code t}'s bytes to {@code sink} a chunk at a time, through {@code chunk}. */
    private static void forEachChunk(Tensor t, ByteBuffer chunk, ChunkSink sink) throws IOException {
        int perChunk = CHUNK_BYTES / t.elementBytes();
        double[] values = t.values();
        for (int from = 0; from < values.length; from += perChunk) {
            chunk.clear();
            encode(t.dtype(), values, from, Math.min(values.length, from + perChunk), chunk);
            chunk.flip();
            sink.accept(chunk);
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /**
     * Reads and checks a file.
     *
     * @throws InvalidInputException naming the file and what is wrong: missing, truncated, malformed
     *     header, overlapping or missing tensor bytes, or a checksum that does not match
     */
    public static Contents read(Path file) {
        if (!Files.isRegularFile(file)) {
            // A pipe or a device: held whole, as its size is only known at its end.
            return read(InputFiles.read(file, MAX_STREAMED_FILE, "a safetensors file"), file.toString());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), file.toString(), true, true);
        } catch (IOException e) {
            throw InputFiles.unreadable(file, e);
        }
    }

    /**
     * The metadata of a file, read from its header alone (no tensor bytes, no checksum compared), or
     * null when the file is missing or not a safetensors file.
     */
    public static Map<String, String> metadata(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), file.toString(), false, false).metadata();
        } catch (IOException | InvalidInputException e) {
            return null;
        }
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
        try {
            return read(new java.io.ByteArrayInputStream(bytes), bytes.length, file, verify, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("bytes in memory cannot fail to be read", e);
        }
    }

    /**
     * Reads a file of {@code size} bytes from {@code in}: header, then (with {@code tensors}) each
     * tensor in the order of its bytes, verifying the checksum as the bytes go by.
     */
    private static Contents read(InputStream in, long size, String file, boolean verify, boolean tensors)
            throws IOException {
        if (size < 8) {
            throw new InvalidInputException(file + ": truncated: " + size + " bytes, fewer than the 8 of the header"
                    + " length; not a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes.remaining() == 8 ? lengthBytes.getLong(0) : -1;
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new InvalidInputException(file + ": header length " + headerLength + " does not fit a file of "
                    + size + " bytes" + (headerLength > MAX_HEADER_BYTES && headerLength <= size - 8
                            ? " (a header may have at most " + MAX_HEADER_BYTES + ")"
                            : "; truncated, or not a safetensors file"));
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length != headerLength) {
            throw new InvalidInputException(file + ": truncated in its header");
        }
        long dataLength = size - 8 - headerLength;
        SafetensorsHeader header = SafetensorsHeader.parse(headerBytes, file, dataLength);
        Map<String, String> metadata = header.metadata();
        List<SafetensorsHeader.Entry> entries = header.entries();
        List<SafetensorsHeader.Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((a, b) -> Long.compare(a.begin(), b.begin()));
        long expectedStart = 0;
        for (SafetensorsHeader.Entry e : byOffset) {
            if (e.begin() != expectedStart) {
                throw new InvalidInputException(file + ": tensor bytes overlap or leave a gap at byte " + expectedStart
                        + " of the data");
            }
            expectedStart = e.end();
        }
        if (expectedStart != dataLength) {
            throw new InvalidInputException(file + ": " + (dataLength - expectedStart) + " bytes after the last tensor;"
                    + " the tensors cover " + expectedStart + " of " + dataLength);
        }
        if (!tensors) {
            return new Contents(Map.of(), metadata, Verified.NONE);
        }
        String whole = verify ? metadata.get(CHECKSUM) : null;
        String tensorsOnly = verify && whole == null ? metadata.get(TENSOR_CHECKSUM) : null;
        MessageDigest sha = null;
        if (whole != null) {
            Map<String, String> covered = new LinkedHashMap<>(metadata);
            covered.remove(CHECKSUM);
            sha = canonicalDigest(covered, entries);
        } else if (tensorsOnly != null) {
            sha = sha256();
        }
        Map<String, double[]> values = new java.util.HashMap<>();
        byte[] chunk = new byte[CHUNK_BYTES];
        for (SafetensorsHeader.Entry e : byOffset) {
            values.put(e.name(), values(e, in, chunk, sha, file));
        }
        if (whole != null) {
            String actual = hex(sha);
            if (!actual.equals(whole)) {
                throw new InvalidInputException(file + ": checksum mismatch: header and tensors hash to " + actual
                        + ", the file records " + cut(whole) + "; the file is corrupt or was edited");
            }
        } else if (tensorsOnly != null) {
            String actual = hex(sha).substring("sha256:".length());
            if (!actual.equals(tensorsOnly)) {
                throw new InvalidInputException(file + ": checksum mismatch: the tensor bytes hash to " + actual
                        + ", the header records " + cut(tensorsOnly) + "; the file is corrupt");
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : entries) {
            result.put(e.name(), new Tensor(e.dtype(), e.shape(), values.get(e.name())));
        }
        return new Contents(result, metadata, whole != null ? Verified.WHOLE
                : tensorsOnly != null ? Verified.TENSORS : Verified.NONE);
    }

    /** Reads the bytes of entry {@code e} from {@code in} (the next bytes there), feeding {@code sha} if given. */
    private static double[] values(SafetensorsHeader.Entry e, InputStream in, byte[] chunk, MessageDigest sha,
            String file) throws IOException {
        int elementBytes = Tensor.elementBytes(e.dtype());
        double[] values = new double[(int) ((e.end() - e.begin()) / elementBytes)];
        int perChunk = chunk.length / elementBytes;
        for (int from = 0; from < values.length; from += perChunk) {
            int count = Math.min(perChunk, values.length - from);
            int n = in.readNBytes(chunk, 0, count * elementBytes);
            if (n != count * elementBytes) {
                throw new InvalidInputException(file + ": truncated in tensor '" + InvalidInputException.shown(e.name())
                        + "'; the file is shorter than its header says");
            }
            if (sha != null) {
                sha.update(chunk, 0, n);
            }
            decode(e.dtype(), ByteBuffer.wrap(chunk, 0, n).order(ByteOrder.LITTLE_ENDIAN), values, from, from + count);
        }
        return values;
    }

    /**
     * A SHA-256 that has taken the canonical form of a header (metadata but the checksum itself, by
     * key; each tensor's name, dtype, shape and offsets, by name), so that rewriting the JSON with other
     * spacing or key order keeps the checksum; the tensor bytes follow.
     */
    private static MessageDigest canonicalDigest(Map<String, String> metadata, List<SafetensorsHeader.Entry> entries) {
        ArrayNode canonical = CANONICAL_JSON.createArrayNode();
        ArrayNode meta = canonical.addArray();
        new TreeMap<>(metadata).forEach((k, v) -> meta.addArray().add(k).add(v));
        List<SafetensorsHeader.Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        for (SafetensorsHeader.Entry e : sorted) {
            ArrayNode t = canonical.addArray().add(e.name()).add(e.dtype());
            Arrays.stream(e.shape()).forEach(t.addArray()::add);
            t.add(e.begin()).add(e.end());
        }
        try {
            MessageDigest sha = sha256();
            byte[] head = CANONICAL_JSON.writeValueAsBytes(canonical);
            sha.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            sha.update(head);
            return sha;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always JSON", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String hex(MessageDigest sha) {
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String cut(String checksum) {
        return checksum.length() <= 100 ? checksum : InvalidInputException.shown(checksum);
    }
}
