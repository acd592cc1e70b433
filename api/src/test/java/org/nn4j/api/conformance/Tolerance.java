package org.nn4j.api.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import org.nn4j.api.DType;

/**
 * How close a backend's result must be to the float64 reference: for every element,
 * {@code |actual - expected| <= rtol * (|expected| + rms(expected))}, with {@code rtol} 1e-12 for
 * float64 and 1e-5 for float32.
 *
 * <p>The {@code rms(expected)} term is the absolute floor near zero: an element of a product or sum
 * that cancels to nearly nothing cannot be computed to a relative precision finer than the size of
 * the terms that cancelled, and the root mean square of the whole result stands for that size.
 */
public final class Tolerance {

    public static final double FLOAT64_RELATIVE = 1e-12;
    public static final double FLOAT32_RELATIVE = 1e-5;

    private Tolerance() {
    }

    public static double relative(DType dtype) {
        return dtype == DType.FLOAT64 ? FLOAT64_RELATIVE : FLOAT32_RELATIVE;
    }

    /** Fails, naming the worst element, where {@code actual} is not within tolerance of {@code expected}. */
    public static void assertClose(String what, DType dtype, int cols, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double rtol = relative(dtype);
        double floor = rms(expected) + Double.MIN_NORMAL;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double allowed = rtol * (Math.abs(expected[i]) + floor);
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= allowed)) {
                double excess = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error / allowed;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            double allowed = rtol * (Math.abs(expected[worst]) + floor);
            fail(String.format("%s (%s): element [%d][%d] is %s, expected %s; |error| %.3g > allowed %.3g",
                    what, dtype, worst / cols, worst % cols, actual[worst], expected[worst],
                    Math.abs(actual[worst] - expected[worst]), allowed));
        }
    }

    private static double rms(double[] values) {
        double sumOfSquares = 0;
        for (double v : values) {
            sumOfSquares += v * v;
        }
        return values.length == 0 ? 0 : Math.sqrt(sumOfSquares / values.length);
    }
}
