package org.nn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * The loops in place on the Vector API give the same bits as the loops over copies: optimizer updates
 * on sizes that leave a tail after the last full vector or split across threads, with state that the
 * floor flushes (zero, subnormal, at the floor, either sign), NaN and infinite gradients among them;
 * ReLU, its gradient and ReLU after a bias on such values, rows of widths with and without a tail.
 */
class DirectLoopsTest {
    private static final int[] SIZES = {1, 7, 17, 1003, 70001};

    @Test
    void theVectorApiIsPresentInTheseTests() {
        assertTrue(DirectLoops.AVAILABLE, "surefire starts the tests with --add-modules jdk.incubator.vector");
    }

    @Test
    void adamAndMomentumInPlaceMatchTheCopiedLoopsBitForBit() {
        Backend inPlace = new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, true);
        Backend copied = new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, false);
        for (DType dtype : DType.values()) {
            for (int size : SIZES) {
                for (int optimizer = 0; optimizer < 3; optimizer++) {
                    double[][] start = operands(dtype, size, 31L * size + optimizer);
                    double[][] a = update(inPlace, dtype, size, optimizer, start);
                    double[][] b = update(copied, dtype, size, optimizer, start);
                    String what = dtype + " " + size + " optimizer " + optimizer;
                    for (int k = 0; k < a.length; k++) {
                        assertArrayEquals(b[k], a[k], what + ", array " + k);
                    }
                }
            }
        }
    }

    @Test
    void reluItsGradientAndBiasReluInPlaceMatchTheCopiedLoopsBitForBit() {
        Backend inPlace = new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, true);
        Backend copied = new Nd4jHostBackend(Nd4jCpuBackendProvider.NAME, 3, false);
        int[][] shapes = {{1, 1}, {3, 7}, {5, 17}, {128, 256}, {300, 301}};
        for (DType dtype : DType.values()) {
            for (int[] shape : shapes) {
                double[][] start = operands(dtype, shape[0] * shape[1], 7L * shape[1]);
                double[] bias = operands(dtype, shape[1], 11L * shape[1])[1];
                double[][] a = relus(inPlace, dtype, shape[0], shape[1], start, bias);
                double[][] b = relus(copied, dtype, shape[0], shape[1], start, bias);
                for (int k = 0; k < a.length; k++) {
                    assertArrayEquals(b[k], a[k], dtype + " " + shape[0] + "x" + shape[1] + ", result " + k);
                }
            }
        }
    }

    /** ReLU of start[1], its gradient for start[0] at that output, and ReLU of start[1] plus {@code bias}. */
    private static double[][] relus(Backend backend, DType dtype, int rows, int cols, double[][] start,
            double[] bias) {
        Matrix x = backend.fromArray(dtype, rows, cols, start[1]);
        Matrix y = backend.zeros(dtype, rows, cols);
        backend.activation(ActivationKind.RELU, x, y);
        Matrix grad = backend.fromArray(dtype, rows, cols, start[0]);
        backend.activationBackward(ActivationKind.RELU, x, y, grad, grad);
        Matrix z = backend.fromArray(dtype, rows, cols, start[1]);
        Matrix out = backend.zeros(dtype, rows, cols);
        backend.biasActivation(ActivationKind.RELU, z, backend.fromArray(dtype, 1, cols, bias), out);
        return new double[][] {backend.toArray(y), backend.toArray(grad), backend.toArray(z), backend.toArray(out)};
    }

    /** Three updates from {@code start} (param, grad, m, v): Adam (0), momentum (1) or Nesterov (2). */
    private static double[][] update(Backend backend, DType dtype, int size, int optimizer, double[][] start) {
        Matrix[] m = new Matrix[start.length];
        for (int k = 0; k < m.length; k++) {
            m[k] = backend.fromArray(dtype, 1, size, start[k]);
        }
        for (int step = 1; step <= 3; step++) {
            if (optimizer == 0) {
                backend.adamUpdate(m[0], m[1], m[2], m[3], 0.9, 0.999, 1e-3 / (1 - Math.pow(0.9, step)),
                        1 / Math.sqrt(1 - Math.pow(0.999, step)), 1e-8);
            } else {
                backend.momentumUpdate(m[0], m[1], m[2], 0.9, 0.01, optimizer == 2);
            }
        }
        double[][] out = new double[m.length][];
        for (int k = 0; k < m.length; k++) {
            out[k] = backend.toArray(m[k]);
        }
        return out;
    }

    private static double[][] operands(DType dtype, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double tiny = dtype == DType.FLOAT64 ? 0x1p-960 : 0x1p-100;
        double subnormal = dtype == DType.FLOAT64 ? 1e-310 : 1e-40;
        double[] special = {0, -0.0, tiny, -tiny, subnormal, -subnormal, tiny * 4, Double.NaN,
            Double.POSITIVE_INFINITY};
        double[][] values = new double[4][size];
        for (int i = 0; i < size; i++) {
            values[0][i] = random.nextDouble(-1, 1);
            values[1][i] = random.nextInt(20) == 0 ? special[random.nextInt(special.length)]
                    : random.nextInt(4) == 0 ? 0 : random.nextDouble(-0.1, 0.1);
            values[2][i] = random.nextInt(3) == 0 ? special[random.nextInt(7)] : random.nextDouble(-0.01, 0.01);
            values[3][i] = random.nextInt(3) == 0 ? Math.abs(special[random.nextInt(7)]) : random.nextDouble(0, 1e-4);
        }
        return values;
    }
}
