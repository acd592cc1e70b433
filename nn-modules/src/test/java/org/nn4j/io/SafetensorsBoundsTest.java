package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounds on a safetensors header: counted while it is read, so that no header costs more than its size. */
class SafetensorsBoundsTest {
    @TempDir
    Path dir;

    /** A file of this header (padded as nn4j pads it) and these data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        int padded = (head.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(head);
        while (out.position() < 8 + padded) {
            out.put((byte) ' ');
        }
        out.put(data);
        Path file = dir.resolve("f.safetensors");
        Files.write(file, out.array());
        return file;
    }

    private static String error(Path file) {
        return assertThrows(InvalidInputException.class, () -> Safetensors.read(file)).getMessage();
    }

    @Test
    void tooManyMetadataEntriesAreRefusedAsTheyAreCounted() throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\": {");
        for (int i = 0; i <= Safetensors.MAX_METADATA; i++) {
            header.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        Path file = file(header.append("}}").toString(), new byte[0]);
        assertEquals(file + ": more than 1000 metadata entries; nn4j reads at most 1000 (a model needs fewer than ten)",
                error(file));
    }

    @Test
    void tooManyTensorsAreRefusedAsTheyAreCounted() throws IOException {
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i <= Safetensors.MAX_TENSORS; i++) {
            header.append(i == 0 ? "" : ",").append("\"t").append(i)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        Path file = file(header.append("}").toString(), new byte[0]);
        assertEquals(file + ": more than 100000 tensors; nn4j reads at most 100000 from one file", error(file));
    }

    @Test
    void aShapeOfTooManyDimensionsAndTextAfterTheHeaderAreRefused() throws IOException {
        String dims = "1,".repeat(Safetensors.MAX_DIMENSIONS) + "1";
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[0,4]}}", new byte[4]);
        assertEquals(file + ": tensor 'w' has a shape of more than 32 dimensions", error(file));
        file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {}", new byte[4]);
        assertEquals(file + ": text after the header's JSON object, at byte 63", error(file));
        file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4]);
        assertEquals(file + ": tensor 'w' needs dtype, shape and data_offsets [begin, end]", error(file));
    }

    @Test
    void aHeaderLongerThanTheFormatAllowsIsRefusedBeforeItIsRead() throws IOException {
        Path file = dir.resolve("long.safetensors");
        try (var out = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 104_000_000));
            out.position(8 + 104_000_000L - 1);
            out.write(ByteBuffer.wrap(new byte[] {' '}));
        }
        assertEquals(file + ": header length 104000000 does not fit a file of 104000008 bytes (a header may have at"
                + " most 100000000)", error(file));
    }

    @Test
    void metadataLongerThanAJsonLibrarysDefaultBoundReadsBack() throws IOException {
        String value = "x".repeat(21_000_000);
        Path file = dir.resolve("meta.safetensors");
        Safetensors.write(file, Map.of("w", new Safetensors.Tensor("F32", new long[] {1}, new double[] {2})),
                Map.of("long", value));
        assertEquals(value, Safetensors.read(file).metadata().get("long"));
    }

    @Test
    void writingRefusesWhatReadingWould() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < Safetensors.MAX_METADATA; i++) {
            metadata.put("k" + i, "v");
        }
        Path file = dir.resolve("w.safetensors");
        assertTrue(assertThrows(InvalidInputException.class, () -> Safetensors.write(file, Map.of(), metadata))
                .getMessage().endsWith("a file holds at most 100000 and 1000"));
        assertTrue(Files.notExists(file));
    }

    @Test
    void aStreamedFileReadsAsTheSameBytesInMemory() throws IOException {
        Path file = dir.resolve("s.safetensors");
        double[] values = new double[300_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5;
        }
        Safetensors.write(file, Map.of("a", new Safetensors.Tensor("F64", new long[] {values.length}, values),
                "b", new Safetensors.Tensor("F32", new long[] {2, 2}, new double[] {1, 2, 3, 4})), Map.of("k", "v"));
        Safetensors.Contents streamed = Safetensors.read(file);
        Safetensors.Contents whole = Safetensors.read(Files.readAllBytes(file), "s");
        assertEquals(Safetensors.Verified.WHOLE, streamed.verified());
        assertEquals(List.copyOf(whole.tensors().keySet()), List.copyOf(streamed.tensors().keySet()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(values, streamed.tensors().get("a").values());
        assertEquals(150_000 - 0.5, whole.tensors().get("a").values()[299_999]);
    }
}
