package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.conformance.Tolerance;

/** The golden cases on the embedded default backend: the seed's example to the last bit, all within tolerance. */
class GoldenCasesTest {
    private final Backend backend = Backends.select("ejml");

    @Test
    void theSeedExampleIsReproducedBitForBit() throws IOException {
        GradientResult result = Golden.load(Golden.SEED).run(backend, DType.FLOAT64);
        JsonNode hex = new ObjectMapper().readTree(Golden.text(Golden.SEED)).get("hex");
        assertBits(hex.get("prediction"), result.prediction()[0][0]);
        assertBits(hex.get("loss"), result.loss());
        assertBits(hex.get("input_grad").get(0), result.inputGrad()[0][0]);
        assertBits(hex.get("input_grad").get(1), result.inputGrad()[0][1]);
        double[][] w0 = result.weightGrads().get(0);
        for (int i = 0; i < 4; i++) {
            assertBits(hex.get("weight_grads_0").get(i), w0[i / 2][i % 2]);
        }
        assertBits(hex.get("weight_grads_1").get(0), result.weightGrads().get(1)[0][0]);
        assertBits(hex.get("weight_grads_1").get(1), result.weightGrads().get(1)[1][0]);
        assertBits(hex.get("bias_grads_1").get(0), result.biasGrads().get(1)[0][0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {Golden.SEED, Golden.BATCH})
    void everyGoldenValueMatchesInFloat64(String name) {
        assertMatches(name, DType.FLOAT64);
    }

    @ParameterizedTest
    @ValueSource(strings = {Golden.SEED, Golden.BATCH})
    void everyGoldenValueMatchesInFloat32(String name) {
        assertMatches(name, DType.FLOAT32);
    }

    @ParameterizedTest
    @ValueSource(strings = {Golden.SEED, Golden.BATCH})
    void theCopiesHereEqualTheSharedGoldenFiles(String name) throws IOException {
        Path shared = Path.of("..", "..", "shared", "golden", name);
        assumeTrue(Files.exists(shared), "no shared golden files beside this checkout");
        assertEquals(Files.readString(shared), Golden.text(name));
    }

    private void assertMatches(String name, DType dtype) {
        GradientCase golden = Golden.load(name);
        GradientResult expected = golden.expected();
        GradientResult actual = golden.run(backend, dtype);
        assertClose(name + " prediction", dtype, expected.prediction(), actual.prediction());
        Tolerance.assertClose(name + " loss", dtype, 1, new double[] {expected.loss()}, new double[] {actual.loss()});
        assertClose(name + " input_grad", dtype, expected.inputGrad(), actual.inputGrad());
        assertAllClose(name + " weight_grads", dtype, expected.weightGrads(), actual.weightGrads());
        assertAllClose(name + " bias_grads", dtype, expected.biasGrads(), actual.biasGrads());
    }

    private static void assertAllClose(String what, DType dtype, List<double[][]> expected, List<double[][]> actual) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertClose(what + "[" + i + "]", dtype, expected.get(i), actual.get(i));
        }
    }

    static void assertClose(String what, DType dtype, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, what + " rows");
        assertEquals(expected[0].length, actual[0].length, what + " columns");
        Tolerance.assertClose(what, dtype, expected[0].length, GradientCase.flatten(expected),
                GradientCase.flatten(actual));
    }

    private static void assertBits(JsonNode hex, double actual) {
        double expected = Double.parseDouble(hex.asText());
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                () -> "expected " + hex.asText() + " (" + expected + "), got " + Double.toHexString(actual)
                        + " (" + actual + ")");
    }
}
