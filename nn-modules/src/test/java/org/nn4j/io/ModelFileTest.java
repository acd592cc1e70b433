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
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** Model files: round trips, an independent reader, and every way a file can be damaged. */
class ModelFileTest {
    @TempDir
    Path dir;

    private final Backend backend = Backends.select("ejml");

    /** A stack of every kind of state: linear weights in PyTorch's layout, batchnorm's parameters and buffers. */
    private static final String SPEC = "{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 5},"
            + " {\"type\": \"batchnorm1d\"}, {\"type\": \"tanh\"}, {\"type\": \"dropout\", \"p\": 0.3},"
            + " {\"type\": \"linear\", \"out_features\": 2}], \"loss\": \"softmax_cross_entropy\"}";

    private Model model(DType dtype) {
        Model model = ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), backend, dtype, 9, "spec");
        // Running statistics other than their initial values, as after training.
        backend.copyIn(new double[] {0.1, -0.2, 0.3, 0, 0.5}, model.buffers().get("1.running_mean").value());
        backend.copyIn(new double[] {1.5, 0.5, 2, 1, 0.25}, model.buffers().get("1.running_var").value());
        return model;
    }

    private Path save(DType dtype) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelFile.save(file, model(dtype), List.of("no", "yes"), null, Map.of(), Map.of("seed", 9));
        return file;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void saveThenLoadGivesIdenticalPredictionsAndOptimizerState(DType dtype) throws IOException {
        Model original = model(dtype);
        Path file = dir.resolve("m.safetensors");
        Standardizer standardizer = new Standardizer(new float[] {1, 2, 3, 4}, new float[] {1, 1, 2, 2});
        List<Matrix> m = new java.util.ArrayList<>();
        for (Matrix p : original.parameterValues()) {
            Matrix state = backend.zeros(dtype, p.rows(), p.cols());
            double[] values = new double[p.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (0.25 * i - 1);
            }
            backend.copyIn(values, state);
            m.add(state);
        }
        ModelFile.save(file, original, List.of("no", "yes"), standardizer, Map.of("m", m), Map.of("note", "test"));
        ModelFile.Loaded loaded = ModelFile.load(file, backend);

        Matrix x = backend.fromArray(dtype, 3, 4, new double[] {1, -2, 3, 0.5, 0, 0, 1, 1, -1, 2, -3, 4});
        double[] expected = backend.toArray(original.forward(x, Pass.eval()));
        assertArrayEquals(expected, backend.toArray(loaded.model().forward(x, Pass.eval())));
        assertEquals(original.spec(), loaded.model().spec());
        assertEquals(dtype, loaded.model().dtype());
        assertEquals(List.of("no", "yes"), loaded.classNames());
        assertArrayEquals(standardizer.std(), loaded.standardizer().std());
        assertArrayEquals(standardizer.mean(), loaded.standardizer().mean());
        assertEquals("test", loaded.training().get("note").asText());
        assertEquals(m.size(), loaded.optimizerState().get("m").size());
        for (int i = 0; i < m.size(); i++) {
            assertArrayEquals(backend.toArray(m.get(i)), loaded.optimizerState().get("m").get(i), "state " + i);
        }
    }

    @Test
    void theTensorsAreTheStateDictInPyTorchsLayoutReadByTheFormatAlone() throws IOException {
        Model model = model(DType.FLOAT32);
        Path file = save(DType.FLOAT32);
        // Read the file by the format's definition alone: length, JSON header, little-endian floats.
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (name.equals("__metadata__")) {
                continue;
            }
            names.add(name);
            JsonNode t = header.get(name);
            assertEquals("F32", t.get("dtype").asText());
            int begin = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            float[] values = new float[(end - begin) / 4];
            ByteBuffer.wrap(bytes, 8 + (int) n + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(values);
            double[] want = model.stateDict().get(name).values();
            for (int i = 0; i < want.length; i++) {
                assertEquals((float) want[i], values[i], name + "[" + i + "]");
            }
        }
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "1.running_mean",
                "1.running_var"), names);
        assertEquals("[5,4]", header.get("0.weight").get("shape").toString(), "linear weights are [out, in]");
        // The first linear layer's weight W[i][j] (in x out) is PyTorch's weight[j][i].
        double[] w = backend.toArray(model.parameters().get("0.weight").value());
        assertEquals(w[1 * 5 + 3], model.stateDict().get("0.weight").values()[3 * 4 + 1]);
        assertEquals(0, n % 8, "the header is padded to 8 bytes");
    }

    @Test
    void aVersionOneFileStillLoadsAndPredictsAsItsTensorsSay() {
        Path file = Path.of("src", "test", "resources", "model-v1.safetensors");
        ModelFile.Loaded loaded = ModelFile.load(file, backend);
        Safetensors.Contents raw = Safetensors.read(file);
        assertEquals(784, loaded.model().inputSize());
        assertEquals(10, loaded.classNames().size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(loaded.model().parameters()
                .keySet()));
        assertEquals(List.of("m", "v"), List.copyOf(loaded.optimizerState().keySet()));
        // The logits of one input computed from the file's own [in, out] tensors, by hand.
        double[] x = new double[784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 17.0;
        }
        double[] w0 = raw.tensors().get("layers.0.weight").values();
        double[] b0 = raw.tensors().get("layers.0.bias").values();
        double[] w1 = raw.tensors().get("layers.1.weight").values();
        double[] b1 = raw.tensors().get("layers.1.bias").values();
        int hidden = b0.length;
        double[] h = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double sum = b0[j];
            for (int i = 0; i < 784; i++) {
                sum += x[i] * w0[i * hidden + j];
            }
            h[j] = Math.max(sum, 0);
        }
        Matrix out = loaded.model().forward(backend.fromArray(DType.FLOAT32, 1, 784, x), Pass.eval());
        double[] logits = backend.toArray(out);
        for (int k = 0; k < 10; k++) {
            double sum = b1[k];
            for (int j = 0; j < hidden; j++) {
                sum += h[j] * w1[j * 10 + k];
            }
            assertEquals(sum, logits[k], 1e-4 * (1 + Math.abs(sum)), "logit " + k);
        }
    }

    @Test
    void aStateDictSavedElsewhereLoadsWithItsSpecStrictly() throws IOException {
        Model model = model(DType.FLOAT64);
        Map<String, Safetensors.Tensor> tensors = new java.util.LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> tensors.put(name, new Safetensors.Tensor("F64", t.shape(), t.values())));
        tensors.put("1.num_batches_tracked", new Safetensors.Tensor("I64", new long[0], new double[] {12}));
        Path file = dir.resolve("torch.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"));
        ModelSpec spec = ModelSpec.parse(SPEC, "spec.json");
        ModelFile.Loaded loaded = ModelFile.loadStateDict(file, spec, ModuleRegistry.builtIn(), backend, null);
        assertEquals(DType.FLOAT64, loaded.model().dtype());
        assertEquals(List.of("0", "1"), loaded.classNames());
        Matrix x = backend.fromArray(DType.FLOAT64, 1, 4, new double[] {1, 2, 3, 4});
        assertArrayEquals(backend.toArray(model.forward(x, Pass.eval())),
                backend.toArray(loaded.model().forward(x, Pass.eval())));

        tensors.remove("1.running_var");
        Safetensors.write(file, tensors, Map.of());
        assertEquals(file + ": no tensor '1.running_var'; the file does not match its model spec",
                assertThrows(InvalidInputException.class, () -> ModelFile.loadStateDict(file, spec,
                        ModuleRegistry.builtIn(), backend, null)).getMessage());
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
        assertEquals(other + ": not an nn4j model (nn4j.format is null, expected nn4j-model/2); a state_dict saved by"
                + " PyTorch loads with its model spec (--spec)",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(other, backend)).getMessage());
        Path missing = dir.resolve("missing.safetensors");
        assertEquals(missing + ": no such file",
                assertThrows(InvalidInputException.class, () -> ModelFile.load(missing, backend)).getMessage());
    }

    @Test
    void tensorsThatDoNotMatchTheSpec() throws IOException {
        Path file = save(DType.FLOAT64);
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = new java.util.LinkedHashMap<>(contents.metadata());
        metadata.put("nn4j.spec", SPEC.replace("\"out_features\": 5", "\"out_features\": 6"));
        Safetensors.write(file, contents.tensors(), metadata);
        assertEquals(file + ": tensor '0.weight' has shape [5, 4] but the model needs [6, 4]; the file does not match"
                + " its model spec", assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend))
                        .getMessage());
    }

    @Test
    void aSaveReplacesTheOldFileWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = save(DType.FLOAT32);
        long before = Files.size(file);
        ModelFile.save(file, model(DType.FLOAT64), List.of("no", "yes"), null, Map.of(), Map.of());
        assertTrue(Files.size(file) > before);
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());
        }
        assertNull(ModelFile.load(file, backend).standardizer());
        assertFalse(ModelFile.load(file, backend).training().has("seed"));
    }
}
