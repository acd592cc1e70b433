package org.nn4j.nn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.conformance.BackendConformanceTest;
import org.nn4j.api.conformance.Tolerance;
import org.nn4j.io.Golden;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;
import org.nn4j.nn.MeanSquaredError;
import org.nn4j.nn.SoftmaxCrossEntropy;

/**
 * The whole conformance kit plus whole networks: the golden cases and seeded random networks (every
 * activation, both losses, batches of 1 and 64) run on the backend under test in both dtypes, and
 * their predictions, loss and every gradient are compared with {@code ejml} in float64 within {@link
 * Tolerance}. A backend module outside nn-modules runs everything by subclassing this once; each
 * module's tests run in a JVM of their own.
 */
public abstract class NetworkConformanceTest extends BackendConformanceTest {

    private static final int[] SIZES = {12, 16, 10, 5};

    static Stream<Arguments> goldenCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : List.of(Golden.SEED, Golden.BATCH)) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> randomNetworks() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (ActivationKind activation : ActivationKind.values()) {
                for (String loss : List.of(MeanSquaredError.LABEL, SoftmaxCrossEntropy.LABEL)) {
                    for (int batch : new int[] {1, 64}) {
                        cases.add(Arguments.of(activation, loss, batch, dtype));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("goldenCases")
    void goldenCasesAgreeWithEjmlInFloat64AndWithTheirExpectedValues(String name, DType dtype) {
        GradientCase golden = Golden.load(name);
        assertAgrees(name, golden, ejmlFloat64(golden), dtype);
        assertAgrees(name + " (expected)", golden, golden.expected(), dtype);
    }

    @ParameterizedTest(name = "{0} {1} batch {2} {3}")
    @MethodSource("randomNetworks")
    void randomNetworksAgreeWithEjmlInFloat64(ActivationKind activation, String loss, int batch, DType dtype) {
        GradientCase random = randomCase(activation, loss, batch,
                1000L * batch + activation.ordinal() * 10L + loss.length());
        assertAgrees(activation + " " + loss + " batch " + batch, random, ejmlFloat64(random), dtype);
    }

    private static GradientResult ejmlFloat64(GradientCase gradientCase) {
        return gradientCase.run(Backends.select("ejml"), DType.FLOAT64);
    }

    private void assertAgrees(String what, GradientCase gradientCase, GradientResult expected, DType dtype) {
        GradientResult actual = gradientCase.run(backend, dtype);
        assertClose(what + " prediction", dtype, expected.prediction(), actual.prediction());
        Tolerance.assertClose(what + " loss", dtype, 1, new double[] {expected.loss()}, new double[] {actual.loss()});
        assertClose(what + " input_grad", dtype, expected.inputGrad(), actual.inputGrad());
        assertEquals(expected.weightGrads().size(), actual.weightGrads().size());
        for (int i = 0; i < expected.weightGrads().size(); i++) {
            assertClose(what + " weight_grads[" + i + "]", dtype, expected.weightGrads().get(i),
                    actual.weightGrads().get(i));
            assertClose(what + " bias_grads[" + i + "]", dtype, expected.biasGrads().get(i), actual.biasGrads().get(i));
        }
    }

    private static void assertClose(String what, DType dtype, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, what + " rows");
        Tolerance.assertClose(what, dtype, expected[0].length, GradientCase.flatten(expected),
                GradientCase.flatten(actual));
    }

    /**
     * A 12-16-10-5 network with random weights and biases, inputs and targets, all float32 values, so
     * that float32 and float64 runs start from the same numbers.
     */
    private static GradientCase randomCase(ActivationKind activation, String loss, int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[][]> weights = new ArrayList<>();
        List<double[][]> biases = new ArrayList<>();
        for (int i = 0; i + 1 < SIZES.length; i++) {
            double scale = Math.sqrt(2.0 / SIZES[i]);
            weights.add(matrix(random, SIZES[i], SIZES[i + 1], scale));
            biases.add(matrix(random, 1, SIZES[i + 1], 0.1));
        }
        double[][] x = matrix(random, batch, SIZES[0], 1);
        int outputs = SIZES[SIZES.length - 1];
        double[][] y = loss.equals(MeanSquaredError.LABEL) ? matrix(random, batch, outputs, 1) : new double[batch][outputs];
        if (loss.equals(SoftmaxCrossEntropy.LABEL)) {
            for (double[] row : y) {
                row[random.nextInt(outputs)] = 1;
            }
        }
        List<Integer> hidden = List.of(SIZES[1], SIZES[2]);
        return new GradientCase(SIZES[0], hidden, outputs, activation, loss, weights, biases, x, y, null);
    }

    private static double[][] matrix(SplittableRandom random, int rows, int cols, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (scale * random.nextDouble(-1, 1));
            }
        }
        return m;
    }
}
