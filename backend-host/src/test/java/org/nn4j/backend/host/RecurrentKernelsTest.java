package org.nn4j.backend.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.RecurrentCell;

/**
 * The cells' own exp, sigmoid and tanh against the JDK's, and the Vector API's pass against the plain one:
 * the same bits (surefire starts the JVM with the Vector API, so both are run).
 */
class RecurrentKernelsTest {
    private static final int N = 5;
    private static final int STEPS = 4;
    /** Not a whole number of vectors, so that the plain loop finishes each row. */
    private static final int HIDDEN = 37;

    @Test
    void expIsWithinTwoUlpsOfTheJdksInBothDtypes() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            double x = (random.nextDouble() * 2 - 1) * (i % 2 == 0 ? 87 : 3);
            double exact = Math.exp(x);
            assertEquals(exact, RecurrentKernels64.exp(x), 2 * Math.ulp(exact), "exp(" + x + ")");
            float xf = (float) x;
            float exactF = (float) Math.exp(xf);
            assertEquals(exactF, RecurrentKernels32.exp(xf), 2 * Math.ulp(exactF), "float32 exp(" + xf + ")");
        }
        assertEquals(1.0, RecurrentKernels64.exp(0));
        assertEquals(Math.exp(-87), RecurrentKernels64.exp(-1e6), Math.ulp(Math.exp(-87)));
        assertTrue(Double.isNaN(RecurrentKernels64.exp(Double.NaN)));
    }

    @Test
    void sigmoidAndTanhAreWithinTheirBoundsOfTheJdks() {
        for (double x = -100; x <= 100; x += 0.0137) {
            assertEquals(1 / (1 + Math.exp(-x)), RecurrentKernels64.sigmoid(x), 3e-16, "sigmoid(" + x + ")");
            assertEquals(Math.tanh(x), RecurrentKernels64.tanh(x), 3e-16, "tanh(" + x + ")");
            assertEquals(Math.tanh(x), RecurrentKernels32.tanh((float) x), 3e-7, "float32 tanh(" + x + ")");
        }
        assertEquals(1.0, RecurrentKernels64.sigmoid(1e6));
        assertEquals(-1.0, RecurrentKernels64.tanh(-1e6));
    }

    private static double[] randoms(Random random, int length) {
        double[] a = new double[length];
        for (int i = 0; i < length; i++) {
            a[i] = random.nextGaussian();
        }
        return a;
    }

    /** Every array a forward and backward pass of {@code cell} writes, in order, on {@code kernels}. */
    private static double[][] run(RecurrentKernels64 kernels, RecurrentCell cell) {
        Random random = new Random(11);
        int g = cell.gates() * HIDDEN;
        int[] lengths = {4, 2, 0, 3, 4};
        double[] proj = randoms(random, N * STEPS * g);
        double[] biasHh = randoms(random, g);
        double[] weight = randoms(random, g * HIDDEN);
        double[] outGrad = randoms(random, N * STEPS * HIDDEN);
        double[] out = new double[N * STEPS * HIDDEN];
        double[] cache = new double[N * STEPS * cell.cacheWidth(HIDDEN)];
        double[] weightGrad = new double[g * HIDDEN];
        double[] projGrad = new double[N * STEPS * g];
        double[] biasGrad = new double[g];
        RecurrentKernels64.PlainProducts products = new RecurrentKernels64.PlainProducts().set(weight, g, HIDDEN);
        kernels.forward(cell, proj, biasHh, lengths, false, N, STEPS, HIDDEN, 1, out, cache, new double[N * HIDDEN],
                new double[N * g], products);
        double[] gatesAll = new double[N * STEPS * g];
        double[] hPrevAll = new double[N * STEPS * HIDDEN];
        kernels.backward(cell, out, cache, outGrad, lengths, false, N, STEPS, HIDDEN, 1, projGrad,
                new double[N * HIDDEN], new double[N * HIDDEN], new double[N * g], gatesAll, hPrevAll, products);
        RecurrentKernels64.PlainProducts.parameterGrads(cell.addsHiddenToProjections() ? projGrad
                : gatesAll, hPrevAll, N * STEPS, g, HIDDEN, weightGrad, biasGrad);
        return new double[][] {out, cache, projGrad, biasGrad, weightGrad};
    }

    @ParameterizedTest
    @EnumSource(RecurrentCell.class)
    void theVectorApisPassGivesThePlainPasssBits(RecurrentCell cell) {
        RecurrentKernels64 onVectors = new RecurrentKernels64(null, true);
        assertTrue(onVectors.onVectors(), "the test JVM has the Vector API");
        double[][] plain = run(new RecurrentKernels64(null, false), cell);
        double[][] vector = run(onVectors, cell);
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], vector[i], 0.0, cell + ", array " + i);
        }
        assertTrue(java.util.Arrays.stream(plain[2]).anyMatch(v -> v != 0), "a gradient reached the projections");
    }

    @Test
    void theFloat32VectorPassGivesThePlainPasssBits() {
        Random random = new Random(3);
        RecurrentCell cell = RecurrentCell.LSTM;
        int g = cell.gates() * HIDDEN;
        float[] proj = new float[N * STEPS * g];
        for (int i = 0; i < proj.length; i++) {
            proj[i] = (float) random.nextGaussian();
        }
        float[] weight = new float[g * HIDDEN];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextGaussian() / 8;
        }
        float[][] outs = new float[2][];
        for (int v = 0; v < 2; v++) {
            float[] out = new float[N * STEPS * HIDDEN];
            new RecurrentKernels32(null, v == 1).forward(cell, proj, null, null, false, N, STEPS, HIDDEN, 1, out,
                    new float[N * STEPS * cell.cacheWidth(HIDDEN)], new float[N * HIDDEN], new float[N * g],
                    new RecurrentKernels32.PlainProducts().set(weight, g, HIDDEN));
            outs[v] = out;
        }
        assertArrayEquals(outs[0], outs[1], 0f);
    }
}
