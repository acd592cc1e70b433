package org.nn4j.api.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.StepPooling;
import org.nn4j.api.Window2d;

/**
 * Every SPI operation of one backend, in float32 and float64, against {@link ReferenceOps} within
 * {@link Tolerance}; also the SPI's conventions: outputs ignored where they should be, aliasing
 * allowed where promised, bad shapes and mixed dtypes rejected. A backend module subclasses this once
 * and implements {@link #createBackend()}.
 */
public abstract class BackendConformanceTest {

    /** Element-wise shapes: a scalar, a row, a column, a small non-square one and a large one. */
    private static final int[][] SHAPES = {{1, 1}, {1, 9}, {9, 1}, {4, 7}, {300, 700}};

    /**
     * GEMM shapes as {m, k, n}: C is m x n. The last three are large enough for a backend to split
     * them across threads: taller than wide, wider than tall, and odd sizes.
     */
    private static final int[][] GEMM_SHAPES = {{1, 1, 1}, {1, 6, 5}, {4, 6, 1}, {3, 5, 7}, {300, 700, 64},
        {64, 700, 300}, {129, 257, 131}};

    protected Backend backend;

    /** The backend under test; called before each test. */
    protected abstract Backend createBackend();

    @BeforeEach
    void setUpBackend() {
        backend = createBackend();
    }

    // ---- what the backend reports ----

    /**
     * Prints which operations the backend computes where it keeps its matrices and which take a round
     * trip through the host, so that a backend's kit run says so; the set must not change between calls.
     */
    @Test
    void reportsWhichOperationsItRunsNatively() {
        Set<Operation> natives = backend.nativeOperations();
        assertEquals(natives, backend.nativeOperations(), "nativeOperations() changed between calls");
        List<String> nativeNames = new ArrayList<>();
        List<String> hostNames = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            (natives.contains(operation) ? nativeNames : hostNames).add(operation.method());
        }
        System.out.println(backend.name() + ": " + nativeNames.size() + " of " + Operation.values().length
                + " operations native: " + String.join(", ", nativeNames) + "; round trips through the host: "
                + (hostNames.isEmpty() ? "none" : String.join(", ", hostNames)));
    }

    // ---- arguments ----

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int[] shape : SHAPES) {
                cases.add(Arguments.of(dtype, shape[0], shape[1]));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> gemmCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (boolean transposeA : new boolean[] {false, true}) {
                for (boolean transposeB : new boolean[] {false, true}) {
                    for (int[] mkn : GEMM_SHAPES) {
                        cases.add(Arguments.of(dtype, transposeA, transposeB, mkn[0], mkn[1], mkn[2]));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Alpha and beta on a small product and on one large enough for a backend to split. */
    static Stream<Arguments> gemmScalars() {
        List<Arguments> cases = new ArrayList<>();
        double[][] alphaBeta = {{1, 0}, {0.5, 2}, {-1.5, 1}, {0, 0.5}, {2, -1}};
        int[][] shapes = {{5, 3, 4}, {131, 300, 97}};
        for (DType dtype : DType.values()) {
            for (boolean transposeA : new boolean[] {false, true}) {
                for (boolean transposeB : new boolean[] {false, true}) {
                    for (double[] ab : alphaBeta) {
                        for (int[] mkn : shapes) {
                            cases.add(Arguments.of(dtype, transposeA, transposeB, ab[0], ab[1], mkn[0], mkn[1],
                                    mkn[2]));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> activations() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (ActivationKind kind : ActivationKind.values()) {
                for (int[] shape : SHAPES) {
                    cases.add(Arguments.of(dtype, kind, shape[0], shape[1]));
                }
            }
        }
        return cases.stream();
    }

    // ---- data in and out ----

    @Test
    void hasAName() {
        assertFalse(backend.name().isBlank());
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void zerosHaveTheShapeAndDtypeAskedFor(DType dtype, int rows, int cols) {
        Matrix m = backend.zeros(dtype, rows, cols);
        assertEquals(rows, m.rows());
        assertEquals(cols, m.cols());
        assertEquals(dtype, m.dtype());
        assertArrayEquals(new double[rows * cols], backend.toArray(m));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void doubleArraysRoundTripExactlyAtTheMatrixPrecision(DType dtype, int rows, int cols) {
        double[] values = new SplittableRandom(1).doubles(rows * cols, -1e3, 1e3).toArray();
        double[] back = backend.toArray(backend.fromArray(dtype, rows, cols, values));
        assertArrayEquals(atPrecision(dtype, values), back);
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void floatArraysRoundTripExactly(DType dtype, int rows, int cols) {
        float[] values = new float[rows * cols];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1e3, 1e3);
        }
        Matrix m = backend.zeros(dtype, rows, cols);
        backend.copyIn(values, m);
        float[] back = new float[values.length];
        backend.copyOut(m, back);
        assertArrayEquals(values, back);
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void copyAndFill(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 3);
        Matrix copy = backend.zeros(dtype, rows, cols);
        backend.copy(a.matrix, copy);
        assertArrayEquals(a.values, backend.toArray(copy));
        backend.fill(copy, -0.25);
        double[] expected = new double[rows * cols];
        Arrays.fill(expected, -0.25);
        assertArrayEquals(expected, backend.toArray(copy));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reshapeIsAViewOfTheSameValues(DType dtype) {
        Operand a = random(dtype, 3, 8, 4);
        Matrix view = backend.reshape(a.matrix, 6, 4);
        assertEquals(6, view.rows());
        assertEquals(4, view.cols());
        assertEquals(dtype, view.dtype());
        assertArrayEquals(a.values, backend.toArray(view));
        backend.scale(2, view, view);
        double[] doubled = Arrays.stream(a.values).map(v -> 2 * v).toArray();
        assertArrayEquals(doubled, backend.toArray(a.matrix));
        Matrix column = backend.zeros(dtype, 24, 1);
        backend.copy(backend.reshape(a.matrix, 24, 1), column);
        assertArrayEquals(doubled, backend.toArray(column));
        backend.fill(a.matrix, 0.5);
        assertArrayEquals(backend.toArray(a.matrix), backend.toArray(view));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.reshape(a.matrix, 5, 5));
        assertTrue(error.getMessage().contains("3x8"), error.getMessage());
    }

    // ---- gemm ----

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} k={4} n={5}")
    @MethodSource("gemmCases")
    void gemmMatchesTheReference(DType dtype, boolean transposeA, boolean transposeB, int m, int k, int n) {
        Operand a = transposeA ? random(dtype, k, m, 10) : random(dtype, m, k, 10);
        Operand b = transposeB ? random(dtype, n, k, 11) : random(dtype, k, n, 11);
        Matrix c = backend.zeros(dtype, m, n);
        backend.fill(c, Double.NaN);
        backend.gemm(transposeA, transposeB, 1, a.matrix, b.matrix, 0, c);
        double[] expected = ReferenceOps.gemm(transposeA, transposeB, 1, a.values, a.rows, a.cols,
                b.values, b.rows, b.cols, 0, null);
        Tolerance.assertClose("gemm " + m + "x" + k + "x" + n, dtype, n, expected, backend.toArray(c));
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} alpha={3} beta={4} m={5} k={6} n={7}")
    @MethodSource("gemmScalars")
    void gemmScalesAndAccumulates(DType dtype, boolean transposeA, boolean transposeB, double alpha, double beta,
            int m, int k, int n) {
        Operand a = transposeA ? random(dtype, k, m, 12) : random(dtype, m, k, 12);
        Operand b = transposeB ? random(dtype, n, k, 13) : random(dtype, k, n, 13);
        Operand c = random(dtype, m, n, 14);
        backend.gemm(transposeA, transposeB, alpha, a.matrix, b.matrix, beta, c.matrix);
        double[] expected = ReferenceOps.gemm(transposeA, transposeB, alpha, a.values, a.rows, a.cols,
                b.values, b.rows, b.cols, beta, c.values);
        Tolerance.assertClose("gemm " + m + "x" + k + "x" + n + " alpha=" + alpha + " beta=" + beta, dtype, n,
                expected, backend.toArray(c.matrix));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmRejectsShapesThatDoNotFit(DType dtype) {
        Matrix a = backend.zeros(dtype, 2, 3);
        Matrix b = backend.zeros(dtype, 4, 5);
        Matrix c = backend.zeros(dtype, 2, 5);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 1, a, b, 0, c));
        assertTrue(error.getMessage().contains("2x3"), error.getMessage());
        Matrix b2 = backend.zeros(dtype, 3, 5);
        Matrix wrongC = backend.zeros(dtype, 2, 4);
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1, a, b2, 0, wrongC));
        Matrix square = backend.zeros(dtype, 3, 3);
        assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 1, square, square, 0, square));
    }

    @Test
    void operationsRejectMixedDtypes() {
        Matrix a32 = backend.zeros(DType.FLOAT32, 2, 2);
        Matrix b64 = backend.zeros(DType.FLOAT64, 2, 2);
        Matrix c64 = backend.zeros(DType.FLOAT64, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1, a32, b64, 0, c64));
        assertThrows(IllegalArgumentException.class, () -> backend.multiply(a32, b64, c64));
        assertThrows(IllegalArgumentException.class, () -> backend.copy(a32, b64));
    }

    // ---- broadcast and reductions ----

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void addRowVectorBroadcastsOverRows(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 20);
        Operand row = random(dtype, 1, cols, 21);
        double[] expected = ReferenceOps.addRowVector(a.values, cols, row.values);
        Matrix out = backend.zeros(dtype, rows, cols);
        backend.addRowVector(a.matrix, row.matrix, out);
        Tolerance.assertClose("addRowVector", dtype, cols, expected, backend.toArray(out));
        backend.addRowVector(a.matrix, row.matrix, a.matrix);
        Tolerance.assertClose("addRowVector in place", dtype, cols, expected, backend.toArray(a.matrix));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void addRowVectorRejectsAWrongRow(DType dtype) {
        Matrix a = backend.zeros(dtype, 3, 4);
        assertThrows(IllegalArgumentException.class,
                () -> backend.addRowVector(a, backend.zeros(dtype, 1, 3), a));
        assertThrows(IllegalArgumentException.class,
                () -> backend.addRowVector(a, backend.zeros(dtype, 2, 4), a));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void multiplyRowVectorScalesEachColumn(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 24);
        Operand row = random(dtype, 1, cols, 25);
        double[] expected = new double[a.values.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = a.values[i] * row.values[i % cols];
        }
        Matrix out = backend.zeros(dtype, rows, cols);
        backend.multiplyRowVector(a.matrix, row.matrix, out);
        Tolerance.assertClose("multiplyRowVector", dtype, cols, expected, backend.toArray(out));
        backend.multiplyRowVector(a.matrix, row.matrix, a.matrix);
        Tolerance.assertClose("multiplyRowVector in place", dtype, cols, expected, backend.toArray(a.matrix));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.multiplyRowVector(out, backend.zeros(dtype, 1, cols + 1), out));
        assertTrue(error.getMessage().startsWith("multiplyRowVector: row must be 1x" + cols), error.getMessage());
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void leakyReluAndItsGradient(DType dtype, int rows, int cols) {
        for (double slope : new double[] {0.01, 0.2, 1.5, -0.5}) {
            Operand x = random(dtype, rows, cols, 26, 3);
            Operand grad = random(dtype, rows, cols, 27);
            double[] expected = map(x.values, v -> v > 0 ? v : slope * v);
            double[] expectedGrad = new double[x.values.length];
            for (int i = 0; i < expectedGrad.length; i++) {
                expectedGrad[i] = grad.values[i] * (x.values[i] > 0 ? 1 : slope);
            }
            Matrix out = backend.zeros(dtype, rows, cols);
            backend.leakyRelu(slope, x.matrix, out);
            Tolerance.assertClose("leakyRelu " + slope, dtype, cols, expected, backend.toArray(out));
            Matrix gradOut = backend.zeros(dtype, rows, cols);
            backend.leakyReluBackward(slope, x.matrix, grad.matrix, gradOut);
            Tolerance.assertClose("leakyReluBackward " + slope, dtype, cols, expectedGrad, backend.toArray(gradOut));
            backend.leakyReluBackward(slope, x.matrix, grad.matrix, grad.matrix);
            Tolerance.assertClose("leakyReluBackward into grad " + slope, dtype, cols, expectedGrad,
                    backend.toArray(grad.matrix));
            backend.leakyRelu(slope, x.matrix, x.matrix);
            Tolerance.assertClose("leakyRelu in place " + slope, dtype, cols, expected, backend.toArray(x.matrix));
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void columnSumsAddUpEachColumn(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 22);
        Matrix out = backend.zeros(dtype, 1, cols);
        backend.fill(out, Double.NaN);
        backend.columnSums(a.matrix, out);
        Tolerance.assertClose("columnSums", dtype, cols, ReferenceOps.columnSums(a.values, cols),
                backend.toArray(out));
        assertThrows(IllegalArgumentException.class,
                () -> backend.columnSums(a.matrix, backend.zeros(dtype, 1, cols + 1)));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void sumAndDotAccumulateEverything(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 23);
        Operand b = random(dtype, rows, cols, 24);
        Tolerance.assertClose("sum", dtype, 1, new double[] {ReferenceOps.sum(a.values)},
                new double[] {backend.sum(a.matrix)});
        Tolerance.assertClose("dot", dtype, 1, new double[] {ReferenceOps.dot(a.values, b.values)},
                new double[] {backend.dot(a.matrix, b.matrix)});
    }

    // ---- element-wise ----

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void axpbyScaleAndMultiply(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 30);
        Operand b = random(dtype, rows, cols, 31);
        Matrix out = backend.zeros(dtype, rows, cols);

        backend.axpby(0.75, a.matrix, -2, b.matrix, out);
        Tolerance.assertClose("axpby", dtype, cols, ReferenceOps.axpby(0.75, a.values, -2, b.values),
                backend.toArray(out));
        backend.scale(-3, a.matrix, out);
        Tolerance.assertClose("scale", dtype, cols, ReferenceOps.axpby(-3, a.values, 0, a.values),
                backend.toArray(out));
        backend.multiply(a.matrix, b.matrix, out);
        Tolerance.assertClose("multiply", dtype, cols, ReferenceOps.multiply(a.values, b.values),
                backend.toArray(out));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void elementWiseOperationsMayWriteOverAnInput(DType dtype, int rows, int cols) {
        Operand a = random(dtype, rows, cols, 32);
        Operand b = random(dtype, rows, cols, 33);
        backend.axpby(1, a.matrix, -1, b.matrix, b.matrix);
        double[] difference = ReferenceOps.axpby(1, a.values, -1, b.values);
        Tolerance.assertClose("axpby into b", dtype, cols, difference, backend.toArray(b.matrix));
        backend.multiply(a.matrix, b.matrix, a.matrix);
        double[] product = ReferenceOps.multiply(a.values, difference);
        Tolerance.assertClose("multiply into a", dtype, cols, product, backend.toArray(a.matrix));
        backend.scale(0.5, a.matrix, a.matrix);
        Tolerance.assertClose("scale in place", dtype, cols, ReferenceOps.axpby(0.5, product, 0, product),
                backend.toArray(a.matrix));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void elementWiseOperationsRejectShapesThatDiffer(DType dtype) {
        Matrix a = backend.zeros(dtype, 2, 3);
        Matrix b = backend.zeros(dtype, 3, 2);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.multiply(a, b, a));
        assertTrue(error.getMessage().contains("2x3") && error.getMessage().contains("3x2"),
                error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backend.axpby(1, a, 1, b, a));
        assertThrows(IllegalArgumentException.class, () -> backend.activation(ActivationKind.TANH, a, b));
        assertThrows(IllegalArgumentException.class, () -> backend.copyIn(new double[5], a));
        assertThrows(IllegalArgumentException.class, () -> backend.zeros(dtype, 0, 3));
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("activations")
    void biasActivationAddsTheBiasInPlaceAndActivates(DType dtype, ActivationKind kind, int rows, int cols) {
        Operand z = random(dtype, rows, cols, 42, 4);
        Operand bias = random(dtype, 1, cols, 43, 4);
        double[] expectedZ = ReferenceOps.addRowVector(z.values, cols, bias.values);
        double[] expected = map(expectedZ, v -> ReferenceOps.activation(kind, v));
        Matrix out = backend.zeros(dtype, rows, cols);
        backend.biasActivation(kind, z.matrix, bias.matrix, out);
        Tolerance.assertClose(kind + " biasActivation, pre-activation", dtype, cols, expectedZ,
                backend.toArray(z.matrix));
        Tolerance.assertClose(kind + " biasActivation", dtype, cols, expected, backend.toArray(out));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void biasActivationRejectsAWrongBiasOrOutput(DType dtype) {
        Matrix z = backend.zeros(dtype, 3, 4);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.biasActivation(ActivationKind.RELU, z, backend.zeros(dtype, 1, 3), z));
        assertEquals("biasActivation relu: row must be 1x4 for 3x4, not 1x3", error.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> backend.biasActivation(ActivationKind.RELU, z, backend.zeros(dtype, 1, 4),
                        backend.zeros(dtype, 4, 3)));
        error = assertThrows(IllegalArgumentException.class,
                () -> backend.biasActivation(ActivationKind.TANH, z, backend.zeros(dtype, 1, 4), z));
        assertEquals("biasActivation tanh: out must not be z, which keeps the pre-activation", error.getMessage());
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("activations")
    void activationsAndTheirDerivatives(DType dtype, ActivationKind kind, int rows, int cols) {
        // Spread the inputs over [-8, 8] so sigmoid and tanh reach their flat ends.
        Operand x = random(dtype, rows, cols, 40, 8);
        double[] expected = map(x.values, v -> ReferenceOps.activation(kind, v));
        Matrix y = backend.zeros(dtype, rows, cols);
        backend.activation(kind, x.matrix, y);
        double[] actual = backend.toArray(y);
        Tolerance.assertClose(kind + " forward", dtype, cols, expected, actual);

        Operand grad = random(dtype, rows, cols, 41);
        double[] expectedGrad = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            expectedGrad[i] = grad.values[i] * ReferenceOps.derivativeFromOutput(kind, expected[i]);
        }
        Matrix out = backend.zeros(dtype, rows, cols);
        backend.activationBackward(kind, x.matrix, y, grad.matrix, out);
        Tolerance.assertClose(kind + " backward", dtype, cols, expectedGrad, backend.toArray(out));

        backend.activationBackward(kind, x.matrix, y, grad.matrix, grad.matrix);
        Tolerance.assertClose(kind + " backward in place", dtype, cols, expectedGrad,
                backend.toArray(grad.matrix));
        backend.activation(kind, x.matrix, x.matrix);
        Tolerance.assertClose(kind + " forward in place", dtype, cols, expected, backend.toArray(x.matrix));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void activationsStayFiniteAtExtremeInputs(DType dtype) {
        double[] extremes = {-1e4, -745, -100, -0.0, 0.0, 100, 745, 1e4};
        for (ActivationKind kind : ActivationKind.values()) {
            Matrix x = backend.fromArray(dtype, 1, extremes.length, extremes);
            Matrix y = backend.zeros(dtype, 1, extremes.length);
            backend.activation(kind, x, y);
            double[] expected = map(extremes, v -> ReferenceOps.activation(kind, v));
            Tolerance.assertClose(kind + " at extremes", dtype, extremes.length, expected, backend.toArray(y));
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void adamUpdatesParameterAndMoments(DType dtype, int rows, int cols) {
        Operand param = random(dtype, rows, cols, 70);
        Operand grad = random(dtype, rows, cols, 71);
        Operand m = random(dtype, rows, cols, 72, 0.1);
        Operand v = random(dtype, rows, cols, 73, 0.5);
        // Second moments are never negative.
        double[] vValues = map(v.values, Math::abs);
        backend.copyIn(vValues, v.matrix);
        double beta1 = 0.9;
        double beta2 = 0.999;
        int step = 3;
        double stepSize = 1e-2 / (1 - Math.pow(beta1, step));
        double vScale = 1 / Math.sqrt(1 - Math.pow(beta2, step));
        double[][] expected = ReferenceOps.adamUpdate(param.values, grad.values, m.values, vValues, beta1, beta2,
                stepSize, vScale, 1e-8, stateFloor(dtype));
        backend.adamUpdate(param.matrix, grad.matrix, m.matrix, v.matrix, beta1, beta2, stepSize, vScale, 1e-8);
        Tolerance.assertClose("adam param", dtype, cols, expected[0], backend.toArray(param.matrix));
        Tolerance.assertClose("adam m", dtype, cols, expected[1], backend.toArray(m.matrix));
        Tolerance.assertClose("adam v", dtype, cols, expected[2], backend.toArray(v.matrix));
        assertArrayEquals(grad.values, backend.toArray(grad.matrix), "adamUpdate must not change grad");
        assertThrows(IllegalArgumentException.class, () -> backend.adamUpdate(param.matrix, grad.matrix, m.matrix,
                backend.zeros(dtype, rows + 1, cols), beta1, beta2, stepSize, vScale, 1e-8));
    }

    private static double stateFloor(DType dtype) {
        return dtype == DType.FLOAT64 ? 0x1p-960 : 0x1p-100;
    }

    /**
     * State decaying under zero gradients: values that fall to the floor or below become exactly zero
     * (and stay zero), values above it decay as IEEE arithmetic has them; NaN stays NaN. The parameters
     * move as the flushed state says.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void optimizerStateAtTheFloorBecomesZero(DType dtype) {
        double floor = stateFloor(dtype);
        // Above the floor after one decay by 0.9, just above it, just below it, below it, subnormal, zero, NaN,
        // and ordinary values (one negative) to show that the rest is computed as before.
        double[] state = {floor * 4, floor * 1.2, floor * 1.05, floor / 3, -floor * 2,
                dtype == DType.FLOAT64 ? Double.MIN_VALUE * 5 : 0x1p-140, 0, Double.NaN, 0.25, -0.125};
        state = atPrecision(dtype, state);
        int n = state.length;
        double[] zeros = new double[n];
        double[] param = atPrecision(dtype, new SplittableRandom(80).doubles(n, -1, 1).toArray());
        double[] second = map(state, Math::abs);
        for (boolean nesterov : new boolean[] {false, true}) {
            Matrix p = backend.fromArray(dtype, 1, n, param);
            Matrix velocity = backend.fromArray(dtype, 1, n, state);
            backend.momentumUpdate(p, backend.zeros(dtype, 1, n), velocity, 0.9, 0.05, nesterov);
            double[][] expected = ReferenceOps.momentumUpdate(param, zeros, state, 0.9, 0.05, nesterov, floor);
            assertElementsClose(dtype, "velocity", expected[1], backend.toArray(velocity));
            assertElementsClose(dtype, "momentum param", expected[0], backend.toArray(p));
        }
        Matrix p = backend.fromArray(dtype, 1, n, param);
        Matrix m = backend.fromArray(dtype, 1, n, state);
        Matrix v = backend.fromArray(dtype, 1, n, second);
        backend.adamUpdate(p, backend.zeros(dtype, 1, n), m, v, 0.9, 0.9, 1e-3, 1, 1e-8);
        double[][] expected = ReferenceOps.adamUpdate(param, zeros, state, second, 0.9, 0.9, 1e-3, 1, 1e-8, floor);
        assertElementsClose(dtype, "adam m", expected[1], backend.toArray(m));
        assertElementsClose(dtype, "adam v", expected[2], backend.toArray(v));
        assertElementsClose(dtype, "adam param", expected[0], backend.toArray(p));
        // Zero state stays zero: a second step with zero gradients changes no zero.
        backend.adamUpdate(p, backend.zeros(dtype, 1, n), m, v, 0.9, 0.9, 1e-3, 1, 1e-8);
        double[] again = backend.toArray(m);
        for (int i = 0; i < n; i++) {
            if (expected[1][i] == 0) {
                assertEquals(0, again[i], "adam m[" + i + "] after a second step");
            }
        }
    }

    /** Zero exactly where the reference flushed, NaN where it has NaN, else within the dtype's tolerance. */
    private static void assertElementsClose(DType dtype, String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            String where = what + "[" + i + "]";
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), where + " must be NaN, not " + actual[i]);
            } else if (expected[i] == 0) {
                assertEquals(0, actual[i], where + " must be flushed to zero");
            } else {
                assertEquals(expected[i], actual[i], Math.abs(expected[i]) * (dtype == DType.FLOAT64 ? 1e-15 : 1e-6),
                        where);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void momentumUpdatesParameterAndVelocity(DType dtype, int rows, int cols) {
        for (boolean nesterov : new boolean[] {false, true}) {
            Operand param = random(dtype, rows, cols, 74);
            Operand grad = random(dtype, rows, cols, 75);
            Operand velocity = random(dtype, rows, cols, 76, 0.1);
            double[][] expected = ReferenceOps.momentumUpdate(param.values, grad.values, velocity.values, 0.9, 0.05,
                    nesterov, stateFloor(dtype));
            backend.momentumUpdate(param.matrix, grad.matrix, velocity.matrix, 0.9, 0.05, nesterov);
            String what = nesterov ? "nesterov " : "momentum ";
            Tolerance.assertClose(what + "param", dtype, cols, expected[0], backend.toArray(param.matrix));
            Tolerance.assertClose(what + "velocity", dtype, cols, expected[1], backend.toArray(velocity.matrix));
            assertArrayEquals(grad.values, backend.toArray(grad.matrix), "momentumUpdate must not change grad");
        }
        Matrix param = backend.zeros(dtype, rows, cols);
        assertThrows(IllegalArgumentException.class, () -> backend.momentumUpdate(param, param,
                backend.zeros(dtype, rows + 1, cols), 0.9, 0.05, false));
    }

    // ---- row-wise ----

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void softmaxAndLogSumExpPerRow(DType dtype, int rows, int cols) {
        Operand x = random(dtype, rows, cols, 50, 5);
        Matrix softmax = backend.zeros(dtype, rows, cols);
        backend.softmaxRows(x.matrix, softmax);
        Tolerance.assertClose("softmaxRows", dtype, cols, ReferenceOps.softmaxRows(x.values, cols),
                backend.toArray(softmax));
        Matrix logSumExp = backend.zeros(dtype, rows, 1);
        backend.logSumExpRows(x.matrix, logSumExp);
        Tolerance.assertClose("logSumExpRows", dtype, 1, ReferenceOps.logSumExpRows(x.values, cols),
                backend.toArray(logSumExp));
        backend.softmaxRows(x.matrix, x.matrix);
        Tolerance.assertClose("softmaxRows in place", dtype, cols, ReferenceOps.softmaxRows(x.values, cols),
                backend.toArray(x.matrix));
        assertThrows(IllegalArgumentException.class,
                () -> backend.logSumExpRows(x.matrix, backend.zeros(dtype, rows, 2)));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxIsStableForLogitsOfTenThousand(DType dtype) {
        double[] logits = {1e4, -1e4, 0, 1e4 - 1, -1e4, -1e4 + 2, 5e3, 1e4, 0};
        Matrix x = backend.fromArray(dtype, 3, 3, logits);
        Matrix softmax = backend.zeros(dtype, 3, 3);
        backend.softmaxRows(x, softmax);
        double[] actual = backend.toArray(softmax);
        assertTrue(Arrays.stream(actual).allMatch(Double::isFinite), Arrays.toString(actual));
        Tolerance.assertClose("softmax of large logits", dtype, 3, ReferenceOps.softmaxRows(logits, 3), actual);
        Matrix logSumExp = backend.zeros(dtype, 3, 1);
        backend.logSumExpRows(x, logSumExp);
        Tolerance.assertClose("logSumExp of large logits", dtype, 1, ReferenceOps.logSumExpRows(logits, 3),
                backend.toArray(logSumExp));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void softmaxCrossEntropyGivesLossAndGradientInOnePass(DType dtype, int rows, int cols) {
        Operand logits = random(dtype, rows, cols, 80, 6);
        double[] target = new double[rows * cols];
        SplittableRandom random = new SplittableRandom(81);
        for (int i = 0; i < rows; i++) {
            target[i * cols + random.nextInt(cols)] = 1;
        }
        Matrix y = backend.fromArray(dtype, rows, cols, target);
        Matrix grad = backend.zeros(dtype, rows, cols);
        backend.fill(grad, Double.NaN);
        double loss = backend.softmaxCrossEntropy(logits.matrix, y, grad);

        double[] logSumExp = ReferenceOps.logSumExpRows(logits.values, cols);
        double[] softmax = ReferenceOps.softmaxRows(logits.values, cols);
        double expectedLoss = (ReferenceOps.sum(logSumExp) - ReferenceOps.dot(logits.values, target)) / rows;
        Tolerance.assertClose("softmaxCrossEntropy loss", dtype, 1, new double[] {expectedLoss}, new double[] {loss});
        Tolerance.assertClose("softmaxCrossEntropy gradient", dtype, cols,
                ReferenceOps.axpby(1.0 / rows, softmax, -1.0 / rows, target), backend.toArray(grad));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxCrossEntropyIsStableForLogitsOfTenThousand(DType dtype) {
        Matrix logits = backend.fromArray(dtype, 2, 3, new double[] {1e4, -1e4, 0, -1e4, 1e4, 1e4});
        Matrix y = backend.fromArray(dtype, 2, 3, new double[] {0, 1, 0, 0, 1, 0});
        Matrix grad = backend.zeros(dtype, 2, 3);
        double loss = backend.softmaxCrossEntropy(logits, y, grad);
        Tolerance.assertClose("loss of large logits", dtype, 1, new double[] {(2e4 + Math.log(2)) / 2},
                new double[] {loss});
        Tolerance.assertClose("gradient of large logits", dtype, 3, new double[] {0.5, -0.5, 0, 0, -0.25, 0.25},
                backend.toArray(grad));
        assertThrows(IllegalArgumentException.class,
                () -> backend.softmaxCrossEntropy(logits, backend.zeros(dtype, 2, 2), grad));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void argmaxFindsTheFirstLargestPerRow(DType dtype, int rows, int cols) {
        Operand x = random(dtype, rows, cols, 60);
        int[] out = new int[rows];
        backend.argmaxRows(x.matrix, out);
        assertArrayEquals(ReferenceOps.argmaxRows(x.values, cols), out);

        Matrix ties = backend.fromArray(dtype, 2, 4, new double[] {1, 3, 3, 0, -2, -2, -2, -2});
        int[] tieOut = new int[2];
        backend.argmaxRows(ties, tieOut);
        assertArrayEquals(new int[] {1, 0}, tieOut);
        assertThrows(IllegalArgumentException.class, () -> backend.argmaxRows(x.matrix, new int[rows + 1]));
    }

    // ---- sequences: rows by id ----

    /** Ids with repeats, the first and last rows, in no order; one more than the rows, which must be ignored. */
    private static final int[] IDS = {3, 0, 6, 3, 3, 1, 6, 2, 5};

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherRowsPicksEachRowById(DType dtype) {
        Operand table = random(dtype, 7, 5, 41);
        int m = IDS.length - 1;
        Matrix out = backend.zeros(dtype, m, 5);
        backend.fill(out, Double.NaN);
        backend.gatherRows(table.matrix, IDS, out);
        assertArrayEquals(ReferenceTokens.gatherRows(table.values, 5, IDS, m), backend.toArray(out));
        Matrix one = backend.zeros(dtype, 1, 5);
        backend.gatherRows(table.matrix, new int[] {6}, one);
        assertArrayEquals(Arrays.copyOfRange(table.values, 30, 35), backend.toArray(one));
    }

    @ParameterizedTest(name = "{0} skip={1}")
    @MethodSource("skips")
    void scatterAddRowsAddsRepeatedIdsAndSkipsOne(DType dtype, int skip) {
        int m = IDS.length - 1;
        Operand rows = random(dtype, m, 5, 42);
        Operand grad = random(dtype, 7, 5, 43);
        backend.scatterAddRows(rows.matrix, IDS, skip, grad.matrix);
        Tolerance.assertClose("scatterAddRows", dtype, 5,
                ReferenceTokens.scatterAddRows(rows.values, 5, IDS, m, skip, grad.values), backend.toArray(grad.matrix));
        if (skip >= 0) {
            assertArrayEquals(Arrays.copyOfRange(grad.values, skip * 5, skip * 5 + 5),
                    Arrays.copyOfRange(backend.toArray(grad.matrix), skip * 5, skip * 5 + 5), "the skipped row changed");
        }
    }

    static Stream<Arguments> skips() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int skip : new int[] {-1, 3, 4}) {
                cases.add(Arguments.of(dtype, skip));
            }
        }
        return cases.stream();
    }

    /** Ids above 2^24, where a float32 id would round to its neighbour: each row is its own. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void idsAbove2To24AreExact(DType dtype) {
        int big = (1 << 24) + 1;
        Matrix table = backend.zeros(dtype, big + 2, 1);
        int[] ids = {big, big - 1, big + 1};
        backend.scatterAddRows(backend.fromArray(dtype, 3, 1, new double[] {5, 7, 9}), ids, -1, table);
        Matrix out = backend.zeros(dtype, 4, 1);
        backend.gatherRows(table, new int[] {big - 1, big, big + 1, big - 2}, out);
        assertArrayEquals(new double[] {7, 5, 9, 0}, backend.toArray(out));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void idsOutsideTheTableAndBadShapesAreRejected(DType dtype) {
        Matrix table = backend.zeros(dtype, 4, 3);
        Matrix rows = backend.zeros(dtype, 2, 3);
        for (int bad : new int[] {-1, 4}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> backend.gatherRows(table, new int[] {0, bad}, rows));
            assertTrue(error.getMessage().contains("id " + bad + " at position 1"), error.getMessage());
            error = assertThrows(IllegalArgumentException.class,
                    () -> backend.scatterAddRows(rows, new int[] {bad, 0}, -1, table));
            assertTrue(error.getMessage().contains("id " + bad + " at position 0"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(table, new int[] {0}, rows));
        assertThrows(IllegalArgumentException.class,
                () -> backend.gatherRows(table, new int[] {0, 1}, backend.zeros(dtype, 2, 4)));
        DType other = dtype == DType.FLOAT64 ? DType.FLOAT32 : DType.FLOAT64;
        assertThrows(IllegalArgumentException.class,
                () -> backend.scatterAddRows(backend.zeros(other, 2, 3), new int[] {0, 1}, -1, table));
    }

    static Stream<Arguments> stepPoolings() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (StepPooling mode : StepPooling.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    cases.add(Arguments.of(dtype, mode, masked));
                }
            }
        }
        return cases.stream();
    }

    /** Pooling over steps against the reference, with lengths of every kind (none, some, all) or none given. */
    @ParameterizedTest(name = "{0} {1} masked={2}")
    @MethodSource("stepPoolings")
    void poolStepsAndItsGradientMatchTheReference(DType dtype, StepPooling mode, boolean masked) {
        int n = 5;
        int steps = 4;
        int features = 3;
        Operand x = random(dtype, n, steps * features, 44);
        int[] lengths = masked ? new int[] {4, 0, 1, 3, 2, 99} : null;
        int[] from = new int[n * features + 1];
        int[] expectedFrom = new int[n * features];
        double[] expected = ReferenceTokens.poolSteps(mode.name(), x.values, n, steps, features, lengths,
                expectedFrom);
        Matrix out = backend.zeros(dtype, n, features);
        backend.fill(out, Double.NaN);
        backend.poolSteps(mode, x.matrix, steps, lengths, out, from);
        Tolerance.assertClose("poolSteps " + mode, dtype, features, expected, backend.toArray(out));
        if (mode != StepPooling.MEAN) {
            assertArrayEquals(expectedFrom, Arrays.copyOf(from, n * features));
        }
        Operand grad = random(dtype, n, features, 45);
        Matrix inputGrad = backend.zeros(dtype, n, steps * features);
        backend.fill(inputGrad, Double.NaN);
        backend.poolStepsBackward(mode, grad.matrix, steps, lengths, mode == StepPooling.MEAN ? null : from, inputGrad);
        Tolerance.assertClose("poolStepsBackward " + mode, dtype, steps * features, ReferenceTokens.poolStepsBackward(
                mode.name(), grad.values, n, steps, features, lengths, expectedFrom), backend.toArray(inputGrad));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> backend.poolSteps(mode, x.matrix, steps, new int[] {4, 5, 0, 0, 0}, out, from));
        assertTrue(error.getMessage().contains("row 1 has length 5"), error.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> backend.poolSteps(mode, x.matrix, 3, lengths, out, from));
    }

    // ---- helpers ----

    /** A matrix of this backend and the values it holds, at the matrix's precision. */
    /**
     * Windows with padding, strides, odd and non-square sizes, a window as large as the padded input;
     * the last on a batch large enough for backends to split it across threads.
     */
    static Stream<Arguments> windows() {
        List<Arguments> cases = new ArrayList<>();
        Window2d[] windows = {Window2d.square(1, 5, 5, 3, 1, 0), Window2d.square(2, 6, 7, 3, 2, 1),
            new Window2d(3, 4, 9, 2, 3, 1, 2, 0, 1), Window2d.square(2, 3, 3, 5, 1, 1), Window2d.square(4, 8, 8, 2, 2, 0),
            new Window2d(1, 1, 6, 1, 4, 1, 3, 0, 2), Window2d.square(3, 7, 9, 2, 2, 0)};
        for (DType dtype : DType.values()) {
            for (Window2d w : windows) {
                for (int n : new int[] {1, 3}) {
                    cases.add(Arguments.of(dtype, w, n));
                }
            }
            cases.add(Arguments.of(dtype, Window2d.square(8, 30, 30, 3, 2, 1), 17));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("windows")
    void im2colAndCol2imMatchTheReferenceAndAreAdjoint(DType dtype, Window2d w, int n) {
        Operand x = random(dtype, n, w.inputSize(), 61);
        Matrix cols = backend.zeros(dtype, n * w.positions(), w.patchSize());
        backend.fill(cols, Double.NaN);
        backend.im2col(x.matrix, w, cols);
        double[] expectedCols = new double[cols.size()];
        ReferenceImages.im2col(x.values, n, w, expectedCols);
        Tolerance.assertClose("im2col", dtype, w.patchSize(), expectedCols, backend.toArray(cols));

        Operand c = random(dtype, n * w.positions(), w.patchSize(), 62);
        Matrix image = backend.zeros(dtype, n, w.inputSize());
        backend.fill(image, Double.NaN);
        backend.col2im(c.matrix, w, image);
        double[] expectedImage = new double[image.size()];
        ReferenceImages.col2im(c.values, n, w, expectedImage);
        Tolerance.assertClose("col2im", dtype, w.inputSize(), expectedImage, backend.toArray(image));
        // <im2col(x), c> = <x, col2im(c)>: col2im is im2col's transpose.
        Tolerance.assertClose("adjoint", dtype, 1, new double[] {ReferenceOps.dot(expectedCols, c.values)},
                new double[] {ReferenceOps.dot(x.values, backend.toArray(image))});
        assertThrows(IllegalArgumentException.class,
                () -> backend.im2col(x.matrix, w, backend.zeros(dtype, n * w.positions() + 1, w.patchSize())));
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("windows")
    void conv2dAndItsGradientsMatchTheReference(DType dtype, Window2d w, int n) {
        for (int outChannels : new int[] {1, 5}) {
            for (boolean withBias : new boolean[] {true, false}) {
                // A second batch size through the same backend: work kept from the first must not leak in.
                for (int examples : new int[] {n, n + 2}) {
                    checkConv2d(dtype, w, examples, outChannels, withBias, withBias);
                }
            }
        }
        checkConv2d(dtype, w, n, 3, true, false);
        Matrix x = backend.zeros(dtype, n, w.inputSize());
        Matrix weight = backend.zeros(dtype, 2, w.patchSize());
        assertThrows(IllegalArgumentException.class,
                () -> backend.conv2d(x, w, weight, null, backend.zeros(dtype, n, 2 * w.positions() + 1)));
        assertThrows(IllegalArgumentException.class, () -> backend.conv2d(x, w, weight,
                backend.zeros(dtype, 1, 3), backend.zeros(dtype, n, 2 * w.positions())));
        assertThrows(IllegalArgumentException.class, () -> backend.conv2d(x, w,
                backend.zeros(dtype, 2, w.patchSize() + 1), null, backend.zeros(dtype, n, 2 * w.positions())));
    }

    /** conv2d and conv2dBackward on random operands against the im2col products in float64. */
    private void checkConv2d(DType dtype, Window2d w, int n, int outChannels, boolean withBias, boolean inputGradient) {
        int positions = w.positions();
        int patch = w.patchSize();
        Operand x = random(dtype, n, w.inputSize(), 67 + n);
        Operand weight = random(dtype, outChannels, patch, 68);
        Operand bias = random(dtype, 1, outChannels, 69);
        Matrix out = backend.zeros(dtype, n, outChannels * positions);
        backend.fill(out, Double.NaN);
        backend.conv2d(x.matrix, w, weight.matrix, withBias ? bias.matrix : null, out);
        double[] cols = new double[n * positions * patch];
        ReferenceImages.im2col(x.values, n, w, cols);
        double[] expected = new double[out.size()];
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < outChannels; o++) {
                for (int p = 0; p < positions; p++) {
                    double sum = withBias ? bias.values[o] : 0;
                    for (int q = 0; q < patch; q++) {
                        sum += weight.values[o * patch + q] * cols[(e * positions + p) * patch + q];
                    }
                    expected[(e * outChannels + o) * positions + p] = sum;
                }
            }
        }
        String what = "conv2d " + outChannels + " channels, bias " + withBias + ", n=" + n;
        Tolerance.assertClose(what, dtype, outChannels * positions, expected, backend.toArray(out));

        Operand grad = random(dtype, n, outChannels * positions, 70 + n);
        Matrix weightGrad = backend.zeros(dtype, outChannels, patch);
        Matrix biasGrad = withBias ? backend.zeros(dtype, 1, outChannels) : null;
        Matrix inputGrad = inputGradient ? backend.zeros(dtype, n, w.inputSize()) : null;
        for (Matrix m : new Matrix[] {weightGrad, biasGrad, inputGrad}) {
            if (m != null) {
                backend.fill(m, Double.NaN);
            }
        }
        backend.conv2dBackward(grad.matrix, x.matrix, w, weight.matrix, weightGrad, biasGrad, inputGrad);
        double[] expectedWeightGrad = new double[outChannels * patch];
        double[] expectedBiasGrad = new double[outChannels];
        double[] colGrads = new double[cols.length];
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < outChannels; o++) {
                for (int p = 0; p < positions; p++) {
                    double g = grad.values[(e * outChannels + o) * positions + p];
                    expectedBiasGrad[o] += g;
                    for (int q = 0; q < patch; q++) {
                        expectedWeightGrad[o * patch + q] += g * cols[(e * positions + p) * patch + q];
                        colGrads[(e * positions + p) * patch + q] += g * weight.values[o * patch + q];
                    }
                }
            }
        }
        Tolerance.assertClose(what + ": weight gradient", dtype, patch, expectedWeightGrad,
                backend.toArray(weightGrad));
        if (withBias) {
            Tolerance.assertClose(what + ": bias gradient", dtype, outChannels, expectedBiasGrad,
                    backend.toArray(biasGrad));
        }
        if (inputGradient) {
            double[] expectedInputGrad = new double[n * w.inputSize()];
            ReferenceImages.col2im(colGrads, n, w, expectedInputGrad);
            Tolerance.assertClose(what + ": input gradient", dtype, w.inputSize(), expectedInputGrad,
                    backend.toArray(inputGrad));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void maxPoolingPicksTheFirstMaximumAndTheLastNaNOfEachWindow(DType dtype) {
        SplittableRandom random = new SplittableRandom(64);
        for (Window2d w : new Window2d[] {Window2d.square(3, 7, 9, 2, 2, 0), Window2d.square(2, 6, 6, 3, 3, 0)}) {
            int n = 5;
            double[] values = new double[n * w.inputSize()];
            for (int i = 0; i < values.length; i++) {
                int pick = random.nextInt(5);
                values[i] = pick == 4 ? Double.NaN : pick % 2;
            }
            Matrix out = backend.zeros(dtype, n, w.pooledSize());
            Matrix argmax = backend.zeros(dtype, n, w.pooledSize());
            backend.maxPool2d(backend.fromArray(dtype, n, w.inputSize(), values), w, out, argmax);
            double[] expected = new double[out.size()];
            double[] expectedArgmax = new double[out.size()];
            ReferenceImages.maxPool2d(values, n, w, expected, expectedArgmax);
            assertArrayEquals(expected, backend.toArray(out), "maxima of " + w);
            assertArrayEquals(expectedArgmax, backend.toArray(argmax), "argmax of " + w);
        }
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("windows")
    void poolingAndItsGradientsMatchTheReference(DType dtype, Window2d w, int n) {
        Operand x = random(dtype, n, w.inputSize(), 63);
        Matrix out = backend.zeros(dtype, n, w.pooledSize());
        Matrix argmax = backend.zeros(dtype, n, w.pooledSize());
        backend.fill(out, Double.NaN);
        backend.maxPool2d(x.matrix, w, out, argmax);
        double[] expected = new double[out.size()];
        double[] expectedArgmax = new double[out.size()];
        ReferenceImages.maxPool2d(x.values, n, w, expected, expectedArgmax);
        Tolerance.assertClose("maxPool2d", dtype, w.pooledSize(), expected, backend.toArray(out));
        assertArrayEquals(expectedArgmax, backend.toArray(argmax), "maxPool2d's argmax");

        Operand grad = random(dtype, n, w.pooledSize(), 64);
        Matrix inputGrad = backend.zeros(dtype, n, w.inputSize());
        backend.fill(inputGrad, Double.NaN);
        backend.maxPool2dBackward(grad.matrix, argmax, w, inputGrad);
        double[] expectedGrad = new double[inputGrad.size()];
        ReferenceImages.maxPool2dBackward(grad.values, expectedArgmax, n, w, expectedGrad);
        Tolerance.assertClose("maxPool2dBackward", dtype, w.inputSize(), expectedGrad, backend.toArray(inputGrad));

        backend.avgPool2d(x.matrix, w, out);
        ReferenceImages.avgPool2d(x.values, n, w, expected);
        Tolerance.assertClose("avgPool2d", dtype, w.pooledSize(), expected, backend.toArray(out));
        backend.fill(inputGrad, Double.NaN);
        backend.avgPool2dBackward(grad.matrix, w, inputGrad);
        ReferenceImages.avgPool2dBackward(grad.values, n, w, expectedGrad);
        Tolerance.assertClose("avgPool2dBackward", dtype, w.inputSize(), expectedGrad, backend.toArray(inputGrad));
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void transposeBlocksTransposesEachBlock(DType dtype, int rows, int cols) {
        for (int blocks : new int[] {1, 3}) {
            Operand a = random(dtype, blocks * rows, cols, 65);
            Matrix out = backend.zeros(dtype, blocks, rows * cols);
            backend.fill(out, Double.NaN);
            backend.transposeBlocks(a.matrix, blocks, rows, cols, out);
            double[] expected = new double[a.values.length];
            for (int b = 0; b < blocks; b++) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        expected[b * rows * cols + j * rows + i] = a.values[b * rows * cols + i * cols + j];
                    }
                }
            }
            assertArrayEquals(expected, backend.toArray(out), "transposeBlocks " + blocks + " blocks");
        }
        Operand a = random(dtype, rows, cols, 66);
        assertThrows(IllegalArgumentException.class, () -> backend.transposeBlocks(a.matrix, 1, rows, cols, a.matrix));
    }

    // ---- sequences ----

    static Stream<Arguments> recurrentCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (RecurrentCell cell : RecurrentCell.values()) {
                for (boolean reverse : new boolean[] {false, true}) {
                    cases.add(Arguments.of(dtype, cell, reverse));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} reverse={2}")
    @MethodSource("recurrentCases")
    void recurrenceAndItsGradientsMatchTheReference(DType dtype, RecurrentCell cell, boolean reverse) {
        int steps = 5;
        // Every row whole; lengths with 0, 1 and T; batch 1; and a larger batch through the same backend.
        checkRecurrence(dtype, cell, reverse, 4, steps, 3, null, true);
        checkRecurrence(dtype, cell, reverse, 5, steps, 3, new int[] {5, 0, 2, 1, 4}, true);
        checkRecurrence(dtype, cell, reverse, 1, steps, 4, null, false);
        checkRecurrence(dtype, cell, reverse, 1, steps, 2, new int[] {3}, true);
        checkRecurrence(dtype, cell, reverse, 7, 3, 6, new int[] {3, 3, 1, 0, 2, 3, 1, 9}, false);
        // Large enough for a backend to split a step's rows across threads, unevenly, some rows padded.
        int[] many = new int[71];
        for (int e = 0; e < many.length; e++) {
            many[e] = e % 5 == 0 ? 0 : 1 + e % 3;
        }
        checkRecurrence(dtype, cell, reverse, 71, 3, 120, many, true);
        // Operands over 2^18 values (copies a host backend may split), H not a whole number of vectors.
        checkRecurrence(dtype, cell, reverse, 300, 3, 100, null, true);
        checkBidirectional(dtype, cell, 4, steps, 3, reverse ? new int[] {5, 0, 1, 3} : null);
        Matrix w = backend.zeros(dtype, cell.gates() * 3, 3);
        Matrix out = backend.zeros(dtype, 2, steps * 3);
        Matrix cache = backend.zeros(dtype, 2 * steps, cell.cacheWidth(3));
        assertThrows(IllegalArgumentException.class, () -> backend.recurrentForward(cell, backend.zeros(dtype,
                2 * steps, cell.gates() * 3 + 1), w, null, null, reverse, out, cache));
        assertThrows(IllegalArgumentException.class, () -> backend.recurrentForward(cell, backend.zeros(dtype,
                2 * steps, cell.gates() * 3), w, null, new int[] {1, steps + 1}, reverse, out, cache));
        Matrix wrongBias = backend.zeros(dtype, 1, cell.gates() * 3 + 1);
        assertThrows(IllegalArgumentException.class, () -> backend.recurrentForward(cell, backend.zeros(dtype,
                2 * steps, cell.gates() * 3), w, wrongBias, null, reverse, out, cache));
    }

    /**
     * Both directions into one {@code n x (T * 2H)} output (each step's forward values, then the reverse ones),
     * from one output gradient of that layout, against {@link ReferenceSequences} on each half.
     */
    private void checkBidirectional(DType dtype, RecurrentCell cell, int n, int steps, int hidden, int[] lengths) {
        int g = cell.gates() * hidden;
        Matrix out = backend.zeros(dtype, n, steps * 2 * hidden);
        backend.fill(out, Double.NaN);
        Operand grad = random(dtype, n, steps * 2 * hidden, 81);
        String what = "bidirectional " + cell + " lengths " + Arrays.toString(lengths);
        Operand[] proj = new Operand[2];
        Operand[] w = new Operand[2];
        Matrix[] caches = new Matrix[2];
        double[] expectedOut = new double[n * steps * 2 * hidden];
        for (int d = 0; d < 2; d++) {
            proj[d] = random(dtype, n * steps, g, 82 + d, 1.5);
            w[d] = random(dtype, g, hidden, 84 + d, 0.8);
            caches[d] = backend.zeros(dtype, n * steps, cell.cacheWidth(hidden));
            backend.recurrentForward(cell, proj[d].matrix, w[d].matrix, null, lengths, d == 1, out, caches[d]);
        }
        ReferenceSequences.Result[] expected = new ReferenceSequences.Result[2];
        for (int d = 0; d < 2; d++) {
            double[] half = new double[n * steps * hidden];
            for (int row = 0; row < n * steps; row++) {
                System.arraycopy(grad.values, (2 * row + d) * hidden, half, row * hidden, hidden);
            }
            expected[d] = ReferenceSequences.recurrent(cell, proj[d].values, w[d].values, null, lengths, d == 1, n,
                    steps, hidden, half);
            for (int row = 0; row < n * steps; row++) {
                System.arraycopy(expected[d].out(), row * hidden, expectedOut, (2 * row + d) * hidden, hidden);
            }
        }
        Tolerance.assertClose(what, dtype, steps * 2 * hidden, expectedOut, backend.toArray(out));
        for (int d = 0; d < 2; d++) {
            Matrix projGrad = backend.zeros(dtype, n * steps, g);
            Matrix weightGrad = backend.zeros(dtype, g, hidden);
            backend.recurrentBackward(cell, w[d].matrix, lengths, d == 1, out, caches[d], grad.matrix, projGrad,
                    weightGrad, null);
            Tolerance.assertClose(what + " direction " + d + ": projections' gradient", dtype, g,
                    expected[d].projGrad(), backend.toArray(projGrad));
            Tolerance.assertClose(what + " direction " + d + ": weight_hh's gradient", dtype, hidden,
                    expected[d].weightGrad(), backend.toArray(weightGrad));
        }
    }

    /** recurrentForward and recurrentBackward on random operands against {@link ReferenceSequences}. */
    private void checkRecurrence(DType dtype, RecurrentCell cell, boolean reverse, int n, int steps, int hidden,
            int[] lengths, boolean withBias) {
        int g = cell.gates() * hidden;
        Operand proj = random(dtype, n * steps, g, 71 + n, 1.5);
        Operand w = random(dtype, g, hidden, 72 + hidden, 0.8);
        Operand b = random(dtype, 1, g, 73, 0.5);
        Matrix out = backend.zeros(dtype, n, steps * hidden);
        Matrix cache = backend.zeros(dtype, n * steps, cell.cacheWidth(hidden));
        backend.fill(out, Double.NaN);
        backend.fill(cache, Double.NaN);
        backend.recurrentForward(cell, proj.matrix, w.matrix, withBias ? b.matrix : null, lengths, reverse, out, cache);
        Operand grad = random(dtype, n, steps * hidden, 74 + n);
        ReferenceSequences.Result expected = ReferenceSequences.recurrent(cell, proj.values, w.values,
                withBias ? b.values : null, lengths, reverse, n, steps, hidden, grad.values);
        String what = "recurrentForward " + cell + (reverse ? " reverse" : "") + " n=" + n + " T=" + steps + " H="
                + hidden + " lengths " + Arrays.toString(lengths) + (withBias ? "" : " without bias");
        Tolerance.assertClose(what, dtype, steps * hidden, expected.out(), backend.toArray(out));

        Matrix projGrad = backend.zeros(dtype, n * steps, g);
        Matrix weightGrad = backend.zeros(dtype, g, hidden);
        Matrix biasGrad = withBias ? backend.zeros(dtype, 1, g) : null;
        for (Matrix m : new Matrix[] {projGrad, weightGrad, biasGrad}) {
            if (m != null) {
                backend.fill(m, Double.NaN);
            }
        }
        backend.recurrentBackward(cell, w.matrix, lengths, reverse, out, cache, grad.matrix, projGrad, weightGrad,
                biasGrad);
        Tolerance.assertClose(what + ": projections' gradient", dtype, g, expected.projGrad(),
                backend.toArray(projGrad));
        Tolerance.assertClose(what + ": weight_hh's gradient", dtype, hidden, expected.weightGrad(),
                backend.toArray(weightGrad));
        if (withBias) {
            Tolerance.assertClose(what + ": bias_hh's gradient", dtype, g, expected.biasGrad(),
                    backend.toArray(biasGrad));
        }
    }

    // ---- sequences: layer normalisation, GELU, attention (references in ReferenceAttention) ----

    static Stream<Arguments> layerNormCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int[] shape : new int[][] {{1, 1}, {1, 5}, {7, 16}, {300, 64}}) {
                for (boolean affine : new boolean[] {false, true}) {
                    cases.add(Arguments.of(dtype, shape[0], shape[1], affine));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2} affine {3}")
    @MethodSource("layerNormCases")
    void layerNormAndItsGradientsMatchTheReference(DType dtype, int rows, int cols, boolean affine) {
        Operand x = random(dtype, rows, cols, 70, 3);
        Operand weight = affine ? random(dtype, 1, cols, 71, 2) : null;
        Operand bias = affine ? random(dtype, 1, cols, 72, 2) : null;
        double eps = 1e-5;
        double[][] expected = ReferenceAttention.layerNorm(x.values, rows, cols, affine ? weight.values : null,
                affine ? bias.values : null, eps);
        Matrix out = backend.zeros(dtype, rows, cols);
        Matrix mean = backend.zeros(dtype, rows, 1);
        Matrix rstd = backend.zeros(dtype, rows, 1);
        backend.fill(out, Double.NaN);
        backend.layerNorm(x.matrix, affine ? weight.matrix : null, affine ? bias.matrix : null, eps, out, mean, rstd);
        Tolerance.assertClose("layerNorm", dtype, cols, expected[0], backend.toArray(out));
        Tolerance.assertClose("layerNorm mean", dtype, 1, expected[1], backend.toArray(mean));
        Tolerance.assertClose("layerNorm rstd", dtype, 1, expected[2], backend.toArray(rstd));

        Operand grad = random(dtype, rows, cols, 73);
        double[][] expectedGrads = ReferenceAttention.layerNormBackward(grad.values, x.values, rows, cols,
                affine ? weight.values : null, eps);
        Matrix inputGrad = backend.zeros(dtype, rows, cols);
        Matrix weightGrad = backend.zeros(dtype, 1, cols);
        Matrix biasGrad = backend.zeros(dtype, 1, cols);
        backend.fill(inputGrad, Double.NaN);
        backend.fill(weightGrad, Double.NaN);
        backend.fill(biasGrad, Double.NaN);
        backend.layerNormBackward(grad.matrix, x.matrix, affine ? weight.matrix : null, mean, rstd, inputGrad,
                weightGrad, biasGrad);
        Tolerance.assertClose("layerNormBackward input", dtype, cols, expectedGrads[0], backend.toArray(inputGrad));
        Tolerance.assertClose("layerNormBackward weight", dtype, cols, expectedGrads[1], backend.toArray(weightGrad));
        Tolerance.assertClose("layerNormBackward bias", dtype, cols, expectedGrads[2], backend.toArray(biasGrad));

        // In place, and without the parameters' gradients.
        backend.layerNormBackward(grad.matrix, x.matrix, affine ? weight.matrix : null, mean, rstd, grad.matrix, null,
                null);
        Tolerance.assertClose("layerNormBackward in place", dtype, cols, expectedGrads[0], backend.toArray(grad.matrix));
        backend.layerNorm(x.matrix, affine ? weight.matrix : null, affine ? bias.matrix : null, eps, x.matrix, mean,
                rstd);
        Tolerance.assertClose("layerNorm in place", dtype, cols, expected[0], backend.toArray(x.matrix));
        assertThrows(IllegalArgumentException.class, () -> backend.layerNorm(x.matrix, null, null, eps, out,
                backend.zeros(dtype, rows, 2), rstd));
        assertThrows(IllegalArgumentException.class, () -> backend.layerNorm(x.matrix, backend.zeros(dtype, 1,
                cols + 1), null, eps, out, mean, rstd));
    }

    @ParameterizedTest(name = "{0} tanh {1}")
    @MethodSource("geluCases")
    void geluAndItsGradientMatchTheReference(DType dtype, boolean tanh) {
        Operand x = random(dtype, 37, 29, 74, 6);
        Operand grad = random(dtype, 37, 29, 75);
        double[] expected = new double[x.values.length];
        double[] expectedGrad = new double[x.values.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ReferenceAttention.gelu(tanh, x.values[i]);
            expectedGrad[i] = grad.values[i] * ReferenceAttention.geluDerivative(tanh, x.values[i]);
        }
        Matrix out = backend.zeros(dtype, 37, 29);
        backend.gelu(tanh, x.matrix, out);
        Tolerance.assertClose("gelu", dtype, 29, expected, backend.toArray(out));
        backend.geluBackward(tanh, x.matrix, grad.matrix, out);
        Tolerance.assertClose("geluBackward", dtype, 29, expectedGrad, backend.toArray(out));
        backend.geluBackward(tanh, x.matrix, grad.matrix, grad.matrix);
        Tolerance.assertClose("geluBackward in place", dtype, 29, expectedGrad, backend.toArray(grad.matrix));
        backend.gelu(tanh, x.matrix, x.matrix);
        Tolerance.assertClose("gelu in place", dtype, 29, expected, backend.toArray(x.matrix));
        double[] extremes = {-1e4, -40, -8, 0, 8, 40, 1e4};
        Matrix m = backend.fromArray(dtype, 1, extremes.length, extremes);
        backend.gelu(tanh, m, m);
        double[] values = backend.toArray(m);
        for (int i = 0; i < extremes.length; i++) {
            assertEquals(Math.max(extremes[i], 0), values[i], Math.abs(extremes[i]) * 1e-6, "gelu(" + extremes[i] + ")");
        }
    }

    static Stream<Arguments> geluCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            cases.add(Arguments.of(dtype, false));
            cases.add(Arguments.of(dtype, true));
        }
        return cases.stream();
    }

    /** {dtype, n, steps, heads, width, padded, dropout}: one example, one head, masks, a large batch. */
    static Stream<Arguments> attentionCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1, 1, 1}, {1, 5, 1, 4}, {3, 4, 2, 6}, {2, 7, 4, 8}, {64, 28, 4, 64}};
        for (DType dtype : DType.values()) {
            for (int[] shape : shapes) {
                for (boolean padded : new boolean[] {false, true}) {
                    cases.add(Arguments.of(dtype, shape[0], shape[1], shape[2], shape[3], padded, padded));
                }
            }
            cases.add(Arguments.of(dtype, 3, 4, 2, 6, false, true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n {1} steps {2} heads {3} width {4} padded {5} dropout {6}")
    @MethodSource("attentionCases")
    void attentionAndItsGradientMatchTheReference(DType dtype, int n, int steps, int heads, int width, boolean padded,
            boolean dropout) {
        Operand qkv = random(dtype, n * steps, 3 * width, 76, 2);
        int[] lengths = null;
        if (padded) {
            // Every length from 0 (no real key) to steps, and more entries than examples.
            lengths = new int[n + 2];
            for (int e = 0; e < n; e++) {
                lengths[e] = n == 1 ? Math.max(1, steps - 1) : e * (steps + 1) / n % (steps + 1);
            }
            lengths[n - 1] = n == 1 ? lengths[0] : steps;
        }
        int probRows = n * heads * steps;
        double[] maskValues = null;
        Matrix mask = null;
        if (dropout) {
            maskValues = new SplittableRandom(77).doubles(probRows * steps).map(u -> u < 0.3 ? 0 : 1 / 0.7).toArray();
            maskValues = atPrecision(dtype, maskValues);
            mask = backend.fromArray(dtype, probRows, steps, maskValues);
        }
        double[][] expected = ReferenceAttention.attention(qkv.values, n, steps, heads, width, lengths, maskValues);
        Matrix probs = backend.zeros(dtype, probRows, steps);
        Matrix context = backend.zeros(dtype, n * steps, width);
        backend.fill(probs, Double.NaN);
        backend.fill(context, Double.NaN);
        backend.attention(qkv.matrix, steps, heads, lengths, mask, probs, context);
        Tolerance.assertClose("attention probs", dtype, steps, expected[0], backend.toArray(probs));
        Tolerance.assertClose("attention context", dtype, width, expected[1], backend.toArray(context));

        Operand grad = random(dtype, n * steps, width, 78);
        double[] expectedGrad = ReferenceAttention.attentionBackward(grad.values, qkv.values, n, steps, heads, width,
                lengths, maskValues);
        Matrix qkvGrad = backend.zeros(dtype, n * steps, 3 * width);
        backend.fill(qkvGrad, Double.NaN);
        backend.attentionBackward(grad.matrix, qkv.matrix, steps, heads, lengths, mask, probs, qkvGrad);
        Tolerance.assertClose("attentionBackward", dtype, 3 * width, expectedGrad, backend.toArray(qkvGrad));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void attentionRejectsShapesThatDoNotFit(DType dtype) {
        Matrix qkv = backend.zeros(dtype, 6, 12);
        Matrix probs = backend.zeros(dtype, 12, 3);
        Matrix context = backend.zeros(dtype, 6, 4);
        backend.attention(qkv, 3, 2, null, null, probs, context);
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 3, 3, null, null, probs, context));
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 4, 2, null, null, probs, context));
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 3, 2, null, null, probs,
                backend.zeros(dtype, 6, 5)));
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 3, 2, new int[] {1}, null, probs,
                context));
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 3, 2, new int[] {1, 4}, null, probs,
                context));
        assertThrows(IllegalArgumentException.class, () -> backend.attention(qkv, 3, 2, null, backend.zeros(dtype, 12,
                2), probs, context));
        assertThrows(IllegalArgumentException.class, () -> backend.attentionBackward(context, qkv, 3, 2, null, null,
                probs, qkv));
    }

    protected record Operand(Matrix matrix, double[] values, int rows, int cols) {
    }

    protected Operand random(DType dtype, int rows, int cols, long seed) {
        return random(dtype, rows, cols, seed, 1);
    }

    /** Uniform values in {@code [-range, range)}, rounded to {@code dtype}, seeded. */
    protected Operand random(DType dtype, int rows, int cols, long seed, double range) {
        double[] values = atPrecision(dtype,
                new SplittableRandom(seed * 7919 + rows * 31L + cols).doubles(rows * cols, -range, range)
                        .toArray());
        return new Operand(backend.fromArray(dtype, rows, cols, values), values, rows, cols);
    }

    private static double[] atPrecision(DType dtype, double[] values) {
        return dtype == DType.FLOAT64 ? values.clone() : map(values, v -> (float) v);
    }

    private static double[] map(double[] values, DoubleUnaryOperator f) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = f.applyAsDouble(values[i]);
        }
        return out;
    }
}
