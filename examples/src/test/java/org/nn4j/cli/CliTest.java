package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nn4j.api.DType;
import org.nn4j.api.conformance.Tolerance;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;

/** {@code nn} run in-process, as a user runs it: what it prints, and its exit code. */
class CliTest {
    private static final Path GOLDEN = Path.of("..", "nn-modules", "src", "test", "resources", "golden");


    private static NnRun nn(String... args) {
        return NnRun.of(args);
    }

    @Test
    void demoPrintsWhatTheAssignmentsPythonPrints() throws IOException {
        String expected;
        try (InputStream in = CliTest.class.getResourceAsStream("/seed-demo-output.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        NnRun run = nn("demo", "--backend", "ejml");
        assertEquals(0, run.code(), run.err());
        assertEquals(expected, run.out().replace(System.lineSeparator(), "\n"));
        assertEquals("", run.err());
    }

    @ParameterizedTest
    @CsvSource({"seed-example.json,float64", "batch-example.json,float64", "seed-example.json,float32",
        "batch-example.json,float32"})
    void gradientsPrintsTheGoldenValues(String file, String dtype) throws IOException {
        Path spec = GOLDEN.resolve(file);
        NnRun run = nn("gradients", "--spec", spec.toString(), "--dtype", dtype);
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        JsonNode printed = new ObjectMapper().readTree(run.out());
        assertEquals(List.of("prediction", "loss", "input_grad", "weight_grads", "bias_grads"),
                iterable(printed.fieldNames()));
        GradientResult actual = GradientResult.fromJson(printed, "stdout");
        GradientResult expected = GradientCase.read(spec).expected();
        DType type = DType.select(dtype, null);
        assertClose(file + " prediction", type, expected.prediction(), actual.prediction());
        Tolerance.assertClose(file + " loss", type, 1, new double[] {expected.loss()}, new double[] {actual.loss()});
        assertClose(file + " input_grad", type, expected.inputGrad(), actual.inputGrad());
        for (int i = 0; i < expected.weightGrads().size(); i++) {
            assertClose(file + " weight_grads", type, expected.weightGrads().get(i), actual.weightGrads().get(i));
            assertClose(file + " bias_grads", type, expected.biasGrads().get(i), actual.biasGrads().get(i));
        }
    }

    @Test
    void gradientsPrintsNumbersThatRoundTrip() throws IOException {
        Path spec = GOLDEN.resolve("seed-example.json");
        JsonNode printed = new ObjectMapper().readTree(nn("gradients", "--spec", spec.toString()).out());
        // The seed example is reproduced to the last bit, so its printed numbers must read back exactly.
        assertEquals(0.7051186389026989, printed.get("prediction").get(0).get(0).asDouble());
        assertEquals(0.24859614746399733, printed.get("loss").asDouble());
    }

    @Test
    void backendsListsEveryProviderAsJson() throws IOException {
        NnRun run = nn("backends", "--json");
        assertEquals(0, run.code());
        assertEquals("", run.err());
        JsonNode list = new ObjectMapper().readTree(run.out());
        assertTrue(list.isArray());
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode backend : list) {
            names.add(backend.get("name").asText());
            assertTrue(backend.get("available").isBoolean());
            assertFalse(backend.get("reason").asText().isBlank());
            assertFalse(backend.get("description").asText().isBlank());
            if (backend.get("name").asText().equals("ejml")) {
                assertTrue(backend.get("available").asBoolean());
                assertEquals(org.nn4j.api.Operation.values().length, backend.get("native_operations").size());
                assertEquals(0, backend.get("host_operations").size());
            }
            if (backend.get("name").asText().equals("nd4j-cuda")) {
                assertEquals("[\"gatherRows\",\"scatterAddRows\",\"poolSteps\",\"poolStepsBackward\","
                        + "\"softmaxCrossEntropy\",\"recurrentForward\",\"recurrentBackward\",\"sum\",\"dot\","
                        + "\"layerNorm\",\"layerNormBackward\",\"gelu\",\"geluBackward\",\"attention\","
                        + "\"attentionBackward\"]",
                        backend.get("host_operations").toString());
                assertTrue(backend.get("native_operations").toString().contains("\"conv2d\""));
            }
        }
        assertEquals(List.of("nd4j-cuda", "nd4j-cpu", "ejml"), names);
    }

    @Test
    void backendsAsText() {
        NnRun run = nn("backends");
        assertEquals(0, run.code());
        assertTrue(run.out().contains("ejml") && run.out().contains("available"), run.out());
    }

    @Test
    void aMissingSpecFile() {
        assertBadInput(nn("gradients", "--spec", "no/such.json"), "nn gradients: no/such.json: no such file");
    }

    @Test
    void aMalformedSpecFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"network\": ");
        assertBadInput(nn("gradients", "--spec", file.toString()), "nn gradients: " + file + ": malformed JSON");
    }

    @Test
    void shapesThatDoNotFitTheNetwork(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("shapes.json");
        String seed = Files.readString(GOLDEN.resolve("seed-example.json"));
        Files.writeString(file, seed.replaceFirst("\"x\": \\[\\s*\\[\\s*1.0,\\s*1.0\\s*\\]", "\"x\": [[1.0]"));
        assertBadInput(nn("gradients", "--spec", file.toString()),
                "nn gradients: " + file + ": x is 1x1 but must be 1x2");
    }

    @Test
    void aPassThatOverflows(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.json");
        Files.writeString(file, "{\"network\": {\"input_size\": 1, \"hidden_sizes\": [], \"output_size\": 1},"
                + " \"loss\": \"mse\", \"weights\": [[[1e300]]], \"biases\": [[[0]]], \"x\": [[1e300]], \"y\": [[0]]}");
        assertBadInput(nn("gradients", "--spec", file.toString()),
                "nn gradients: " + file + ": the pass overflowed to a value that is not finite");
    }

    @Test
    void anUnknownBackendListsTheBackends() {
        NnRun run = nn("demo", "--backend", "tpu");
        assertBadInput(run, "nn demo: unknown backend 'tpu' (from --backend); backends: nd4j-cuda (unavailable: ");
        assertTrue(run.err().contains(", nd4j-cpu (unavailable: nd4j-native is not on the class path"), run.err());
        assertTrue(run.err().contains(", ejml (available: pure Java"), run.err());
    }

    @Test
    void anUnknownDtype() {
        assertBadInput(nn("gradients", "--spec", GOLDEN.resolve("seed-example.json").toString(), "--dtype", "half"),
                "nn gradients: unknown dtype 'half' (from --dtype); expected float32 or float64");
        assertBadInput(nn("demo", "--dtype", "half"),
                "nn demo: unknown dtype 'half' (from --dtype); expected float32 or float64");
    }

    @Test
    void aThreadCountThatIsNotOne() {
        assertBadInput(nn("demo", "--threads", "zero"),
                "nn demo: threads must be a whole number of at least 1, not 'zero' (from --threads)");
    }

    @Test
    void usageErrors() {
        assertBadInput(nn("gradients"), "nn gradients: Missing required option: '--spec=FILE'");
        assertBadInput(nn("demo", "--bogus"), "nn demo: Unknown option: '--bogus'");
        assertBadInput(nn(), "nn: missing a command");
        assertBadInput(nn("frobnicate"), "nn: Unmatched argument");
    }

    @Test
    void debugAddsTheStackTrace() {
        NnRun run = nn("gradients", "--spec", "no/such.json", "--debug");
        assertEquals(Main.BAD_INPUT, run.code());
        assertTrue(run.err().contains("\tat org.nn4j."), run.err());
    }

    private static void assertBadInput(NnRun run, String startOfMessage) {
        assertEquals(Main.BAD_INPUT, run.code(), run.err());
        assertTrue(run.err().startsWith(startOfMessage), run.err());
        assertEquals(1, run.err().lines().count(), "one line on stderr: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals("", run.out());
    }

    private static void assertClose(String what, DType dtype, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, what);
        Tolerance.assertClose(what, dtype, expected[0].length, GradientCase.flatten(expected),
                GradientCase.flatten(actual));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
