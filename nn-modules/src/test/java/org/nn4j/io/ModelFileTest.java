package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.nn.NeuralNetwork;

/** Model files: round trips, an independent reader, and every way a file can be damaged. */
class ModelFileTest {
    @TempDir
    Path dir;

    private final Backend backend = Backends.select("ejml");

    private NeuralNetwork network(DType dtype) {
        return NeuralNetwork.builder(backend).dtype(dtype).inputSize(4).hiddenSizes(5, 3).outputSize(2)
                .activation(ActivationKind.TANH).seed(9).build();
    }

    private static ModelFile.Architecture architecture(DType dtype) {
        return new ModelFile.Architecture(4, List.of(5, 3), 2, ActivationKind.TANH, "softmax_cross_entropy", dtype,
                List.of("no", "yes"));
    }

    private Path save(DType dtype) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, architecture(dtype), network(dtype), null, Map.of(), Map.of("seed", 9));
        return file;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void saveThenLoadGivesIdenticalPredictions(DType dtype) throws IOException {
        NeuralNetwork original = network(dtype);
        Path file = dir.resolve("m.safetensors");
        Standardizer standardizer = new Standardizer(new float[] {1, 2, 3, 4}, new float[] {1, 1, 2, 2});
        ModelFile.save(file, architecture(dtype), original, standardizer, Map.of(), Map.of("note", "test"));
        ModelFile.Loaded loaded = ModelFile.load(file, backend);

        Matrix x = backend.fromArray(dtype, 3, 4, new double[] {1, -2, 3, 0.5, 0, 0, 1, 1, -1, 2, -3, 4});
        double[] expected = backend.toArray(original.forward(x));
        assertArrayEquals(expected, backend.toArray(loaded.network().forward(x)));
        assertEquals(architecture(dtype), loaded.architecture());
        assertArrayEquals(standardizer.std(), loaded.standardizer().std());
        assertEquals("test", loaded.training().get("note").asText());
    }

    @Test
    void aSecondIndependentReaderSeesTheSameTensors() throws IOException {
        NeuralNetwork net = network(DType.FLOAT32);
        Path file = save(DType.FLOAT32);
        // Read the file by the format's definition alone: length, JSON header, little-endian floats.
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        int tensors = 0;
        for (Iterator<String> names = header.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (name.equals("__metadata__")) {
                continue;
            }
            tensors++;
            JsonNode t = header.get(name);
            assertEquals("F32", t.get("dtype").asText());
            int begin = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            float[] values = new float[(end - begin) / 4];
            ByteBuffer.wrap(bytes, 8 + (int) n + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(values);
            String[] parts = name.split("\\.");
            int layer = Integer.parseInt(parts[1]);
            Matrix expected = parts[2].equals("weight") ? net.layers().get(layer).weights() : net.layers().get(layer).bias();
            float[] want = new float[expected.size()];
            backend.copyOut(expected, want);
            assertArrayEquals(want, values, name);
        }
        assertEquals(6, tensors);
        assertEquals(0, n % 8, "the header is padded to 8 bytes");
    }

    @Test
    void aTruncatedFile() throws IOException {
        Path file = save(DType.FLOAT64);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        String message = assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)).getMessage();
        assertTrue(message.startsWith(file + ": tensor '") && message.contains("lie outside the"), message);
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertEquals(file + ": truncated: 5 bytes, fewer than the 8 of the header length; not a safetensors file",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)).getMessage());
    }

    @Test
    void aCorruptByteFailsTheChecksum() throws IOException {
        Path file = save(DType.FLOAT32);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
        String message = assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)).getMessage();
        assertTrue(message.startsWith(file + ": checksum mismatch: the tensor bytes hash to "), message);
        assertTrue(message.endsWith("; the file is corrupt"), message);
    }

    @Test
    void notASafetensorsFileOrNotAModel() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "these are not the bytes you are looking for");
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelFile.load(text, backend)).getMessage()
                .startsWith(text + ": header length "));
        Path other = dir.resolve("other.safetensors");
        Safetensors.write(other, Map.of("w", new Safetensors.Tensor("F32", new long[] {2}, new double[] {1, 2})),
                Map.of("format", "pt"));
        assertEquals(other + ": not an nn4j model (nn4j.format is null, expected nn4j-model/1)",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(other, backend)).getMessage());
        Path missing = dir.resolve("missing.safetensors");
        assertEquals(missing + ": no such file",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(missing, backend)).getMessage());
    }

    @Test
    void tensorsThatDoNotMatchTheArchitecture() throws IOException {
        Path file = dir.resolve("mismatch.safetensors");
        ModelFile.Architecture wider = new ModelFile.Architecture(4, List.of(6, 3), 2, ActivationKind.TANH,
                "softmax_cross_entropy", DType.FLOAT64, List.of("no", "yes"));
        // Weights of a 4-5-3-2 network under the name of a 4-6-3-2 one.
        ModelFile.save(file, wider, network(DType.FLOAT64), null, Map.of(), Map.of());
        assertEquals(file + ": tensor 'layers.0.weight' has shape [4, 5] but the architecture needs [4, 6]",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)).getMessage());
    }

    @Test
    void aSaveReplacesTheOldFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = save(DType.FLOAT32);
        long before = Files.size(file);
        ModelFile.save(file, architecture(DType.FLOAT64), network(DType.FLOAT64), null, Map.of(), Map.of());
        assertTrue(Files.size(file) > before);
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
        assertNull(ModelFile.load(file, backend).standardizer());
        assertFalse(ModelFile.load(file, backend).training().has("seed"));
    }
}
