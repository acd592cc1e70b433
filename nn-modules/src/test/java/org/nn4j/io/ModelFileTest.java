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
        assertTrue(message.startsWith(file + ": checksum mismatch: header and tensors hash to sha256:"), message);
        assertTrue(message.endsWith("; the file is corrupt or was edited"), message);
    }

    @Test
    void notASafetensorsFileOrNotAModel() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "these are not the bytes you are looking for");
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelFile.load(text, backend)).getMessage()
                .startsWith(text + ": header length "));
        Path other = dir.resolve("other.safetensors");
        Safetensors.write(other, Map.of("w", new Safetensors.Tensor("F32", new long[] {2}, new double[] {1, 2})),
                Map.of("format", "pt"));
        assertEquals(other + ": not an nn4j model (nn4j.format is missing, expected nn4j-model/2); a state_dict saved by"
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

    /** The file's header as JSON and its tensor bytes, to be edited as another tool would edit them. */
    private record Raw(com.fasterxml.jackson.databind.node.ObjectNode header, byte[] data) {
        static Raw of(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            int length = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return new Raw((com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(
                    new String(bytes, 8, length, StandardCharsets.UTF_8)),
                    Arrays.copyOfRange(bytes, 8 + length, bytes.length));
        }

        void writeTo(Path file) throws IOException {
            byte[] head = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(header);
            ByteBuffer out = ByteBuffer.allocate(8 + head.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(head.length).put(head).put(data);
            Files.write(file, out.array());
        }

        com.fasterxml.jackson.databind.node.ObjectNode metadata() {
            return (com.fasterxml.jackson.databind.node.ObjectNode) header.get("__metadata__");
        }
    }

    private String loadError(Path file) {
        return assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)).getMessage();
    }

    @Test
    void theChecksumCoversTheHeaderButNotItsSpacingOrKeyOrder() throws IOException {
        Path file = save(DType.FLOAT32);
        Raw raw = Raw.of(file);
        // Spacing and key order are the JSON writer's business: the same header loads.
        com.fasterxml.jackson.databind.node.ObjectNode reordered = new ObjectMapper().createObjectNode();
        List<String> keys = new java.util.ArrayList<>();
        raw.header().fieldNames().forEachRemaining(keys::add);
        java.util.Collections.reverse(keys);
        keys.forEach(k -> reordered.set(k, raw.header().get(k)));
        new Raw(reordered, raw.data()).writeTo(file);
        assertEquals(List.of("no", "yes"), ModelFile.load(file, backend).classNames());
        // A class name, a spec value, the training record: each edit is caught.
        for (String[] edit : new String[][] {{"nn4j.class_names", "[\"no\",\"YES\"]"},
                {"nn4j.spec", SPEC.replace("0.3", "0.5")}, {"nn4j.training", "{}"}}) {
            Raw edited = Raw.of(file);
            edited.metadata().put(edit[0], edit[1]);
            edited.writeTo(file);
            assertTrue(loadError(file).contains(": checksum mismatch: header and tensors hash to sha256:"), edit[0]);
            raw.writeTo(file);
        }
    }

    @Test
    void swappedDataOffsetsAreCaught() throws IOException {
        Path file = save(DType.FLOAT32);
        Raw raw = Raw.of(file);
        // batchnorm's weight and bias have the same shape: swapping their bytes passes every size check.
        JsonNode weight = raw.header().get("1.weight").get("data_offsets");
        JsonNode bias = raw.header().get("1.bias").get("data_offsets");
        ((com.fasterxml.jackson.databind.node.ObjectNode) raw.header().get("1.weight")).set("data_offsets", bias);
        ((com.fasterxml.jackson.databind.node.ObjectNode) raw.header().get("1.bias")).set("data_offsets", weight);
        raw.writeTo(file);
        assertTrue(loadError(file).contains(": checksum mismatch: "), loadError(file));
    }

    @Test
    void aVersionTwoFileWithoutItsChecksumIsRefused() throws IOException {
        Path file = save(DType.FLOAT32);
        Raw raw = Raw.of(file);
        raw.metadata().remove(Safetensors.CHECKSUM);
        raw.writeTo(file);
        assertEquals(file + ": no nn4j.checksum in the metadata; every model file nn4j writes has one, so this one was"
                + " edited or not written by nn4j", loadError(file));
        // Nor does the older tensor-only checksum stand in for it.
        raw.metadata().put(Safetensors.TENSOR_CHECKSUM, java.util.HexFormat.of().formatHex(
                assertDoesNotThrowDigest(raw.data())));
        raw.writeTo(file);
        assertTrue(loadError(file).contains(": no nn4j.checksum in the metadata"), loadError(file));
    }

    private static byte[] assertDoesNotThrowDigest(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Metadata edited and the file written again by nn4j's writer: the checksum holds, the contents must be checked. */
    private Path resaved(java.util.function.Consumer<Map<String, String>> edit,
            java.util.function.UnaryOperator<Map<String, Safetensors.Tensor>> tensors) throws IOException {
        Path file = save(DType.FLOAT32);
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = new java.util.LinkedHashMap<>(contents.metadata());
        edit.accept(metadata);
        Safetensors.write(file, tensors.apply(new java.util.LinkedHashMap<>(contents.tensors())), metadata);
        return file;
    }

    @Test
    void valuesThatAreNotFiniteAreRefused() throws IOException {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Path file = resaved(m -> { }, t -> {
                Safetensors.Tensor w = t.get("4.weight");
                double[] values = w.values().clone();
                values[3] = bad;
                t.put("4.weight", new Safetensors.Tensor(w.dtype(), w.shape(), values));
                return t;
            });
            assertEquals(file + ": tensor '4.weight' holds " + bad + " (value 3 of 10); a model with values that are"
                    + " not finite cannot be used (was it saved by a run that diverged?)", loadError(file));
        }
        Path file = resaved(m -> m.put("nn4j.input", "{\"mean\": [0, 0, 0, 0], \"std\": [1, 0, 1, 1]}"), t -> t);
        assertEquals(file + ": the standardisation's std of feature 1 is 0.0; every std must be above 0",
                loadError(file));
        file = resaved(m -> m.put("nn4j.input", "{\"mean\": [0, \"x\", 0, 0], \"std\": [1, 1, 1, 1]}"), t -> t);
        assertEquals(file + ": nn4j.input holds \"x\" (value 1); its mean and std must be finite numbers",
                loadError(file));
    }

    @Test
    void aSpecFarLargerThanTheTensorsIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Path file = resaved(m -> m.put("nn4j.spec", SPEC.replace("\"input\": [4]", "\"input\": [40000]")
                .replace("\"out_features\": 5", "\"out_features\": 40000")), t -> t);
        assertEquals(file + ": nn4j.spec: layers[0] (linear): the model would have 1,600,040,000 parameters and"
                + " buffers, far more than the 57 values the file's tensors hold; the spec does not match them",
                loadError(file));
    }

    @Test
    void editedVersionOneArchitecturesAreOneLineErrors() throws IOException {
        Path original = Path.of("src", "test", "resources", "model-v1.safetensors");
        Safetensors.Contents contents = Safetensors.read(original);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        String architecture = contents.metadata().get("nn4j.architecture");
        cases.put(architecture.replace("[8]", "[\"8\"]"), "'hidden_sizes'[0] must be a whole number of at least 1,"
                + " not \"8\"");
        cases.put(architecture.replace("[8]", "[0]"), "'hidden_sizes'[0] must be a whole number of at least 1, not 0");
        cases.put(architecture.replace("[8]", "[-8]"), "'hidden_sizes'[0] must be a whole number of at least 1, not -8");
        cases.put(architecture.replace("\"input_size\":784", "\"input_size\":0"),
                "'input_size' must be a whole number of at least 1, not 0");
        cases.put(architecture.replace("\"float32\"", "\"float16\""), "'dtype' must be float32 or float64, not float16");
        cases.put(architecture.replace("[8]", "[40000, 40000]"), "layers[0] (linear): the model would have 31,400,000 parameters");
        cases.put("[1, 2]", "must be a JSON object");
        Path file = dir.resolve("v1.safetensors");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Map<String, String> metadata = new java.util.LinkedHashMap<>(contents.metadata());
            metadata.put("nn4j.architecture", c.getKey());
            Safetensors.write(file, contents.tensors(), metadata);
            String message = loadError(file);
            assertTrue(message.startsWith(file + ": nn4j.architecture") && message.contains(c.getValue()), message);
        }
    }

    @Test
    void twoClassesOfOneNameAreRefused() throws IOException {
        Path file = resaved(m -> m.put("nn4j.class_names", "[\"no\", \"no\"]"), t -> t);
        assertEquals(file + ": nn4j.class_names names class 'no' twice; each output needs a class of its own",
                loadError(file));
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(dir.resolve("d.safetensors"),
                model(DType.FLOAT32), List.of("a", "a"), null, Map.of(), Map.of()));
    }

    @Test
    void anNn4jModelFileIsNotReadWithASeparateSpec() throws IOException {
        Path file = save(DType.FLOAT32);
        assertEquals(file + ": an nn4j model file (nn4j-model/2), with its own spec, classes and standardisation,"
                + " which a separate spec would drop; read it without one (a spec goes with a state_dict that PyTorch"
                + " saved)", assertThrows(InvalidInputException.class, () -> ModelFile.loadStateDict(file,
                        ModelSpec.parse(SPEC, "spec"), ModuleRegistry.builtIn(), backend, null)).getMessage());
    }
}
