package org.nn4j.nn;

import java.util.function.DoubleSupplier;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * Numerical gradients by central differences in float64, to check analytic backward passes:
 * {@code dL/dθ_i ≈ (L(θ + h e_i) - L(θ - h e_i)) / 2h}.
 */
public final class GradientCheck {

    /** The default step: near the cube root of float64's epsilon, where truncation and rounding error balance. */
    public static final double STEP = 1e-5;

    private GradientCheck() {
    }

    /**
     * The gradient of {@code loss} with respect to every element of {@code parameter}, which {@code
     * loss} must read afresh on each call. {@code parameter} is restored afterwards.
     */
    public static double[] numerical(Backend backend, Matrix parameter, DoubleSupplier loss, double step) {
        if (parameter.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gradient checks need float64, not " + parameter.dtype());
        }
        double[] values = backend.toArray(parameter);
        double[] gradient = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double original = values[i];
            values[i] = original + step;
            backend.copyIn(values, parameter);
            double plus = loss.getAsDouble();
            values[i] = original - step;
            backend.copyIn(values, parameter);
            double minus = loss.getAsDouble();
            values[i] = original;
            gradient[i] = (plus - minus) / (2 * step);
        }
        backend.copyIn(values, parameter);
        return gradient;
    }

    /**
     * The largest {@code |a - n| / max(|a|, |n|, floor)} over all elements: relative where the
     * gradient is large, absolute (scaled by {@code floor}) where it is near zero.
     */
    public static double maxRelativeError(double[] analytic, double[] numerical, double floor) {
        if (analytic.length != numerical.length) {
            throw new IllegalArgumentException("gradients of " + analytic.length + " and " + numerical.length
                    + " elements");
        }
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            double scale = Math.max(Math.max(Math.abs(analytic[i]), Math.abs(numerical[i])), floor);
            double error = Math.abs(analytic[i] - numerical[i]) / scale;
            if (Double.isNaN(error)) {
                return Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, error);
        }
        return worst;
    }
}
