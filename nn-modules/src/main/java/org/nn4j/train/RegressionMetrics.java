package org.nn4j.train;

import java.util.Arrays;

/**
 * How a regression model's outputs compare with their targets, per target (in the order of the
 * model's outputs): mean squared error, mean absolute error and the coefficient of determination R²
 * ({@code 1 - SSE / SST}, SST the squares about the target's mean; NaN where a target is constant).
 *
 * @param mse mean of {@code (p - y)²} per target
 * @param mae mean of {@code |p - y|} per target
 * @param r2 {@code 1 - sum (p - y)² / sum (y - mean y)²} per target
 */
public record RegressionMetrics(double[] mse, double[] mae, double[] r2) {

    /** Keeps copies of the arrays, which must be of one length. */
    public RegressionMetrics {
        if (mse.length != mae.length || mse.length != r2.length) {
            throw new IllegalArgumentException("metrics of " + mse.length + ", " + mae.length + " and " + r2.length
                    + " targets");
        }
        mse = mse.clone();
        mae = mae.clone();
        r2 = r2.clone();
    }

    /** Sums over examples, added to one row of predictions and targets at a time. */
    static final class Sums {
        private final double[] squares;
        private final double[] absolutes;
        private final double[] targets;
        private final double[] targetSquares;
        // Targets are summed less the first row's, so that R²'s total is not a difference of two large sums.
        private final double[] shift;
        private long count;

        Sums(int targets) {
            this.squares = new double[targets];
            this.absolutes = new double[targets];
            this.targets = new double[targets];
            this.targetSquares = new double[targets];
            this.shift = new double[targets];
        }

        /** Adds {@code rows} rows of {@code prediction} against {@code target}, row-major, one value a target. */
        void add(double[] prediction, float[] target, int rows) {
            int t = squares.length;
            if (count == 0 && rows > 0) {
                for (int j = 0; j < t; j++) {
                    shift[j] = target[j];
                }
            }
            for (int i = 0; i < rows * t; i++) {
                double y = target[i];
                double d = prediction[i] - y;
                double shifted = y - shift[i % t];
                squares[i % t] += d * d;
                absolutes[i % t] += Math.abs(d);
                targets[i % t] += shifted;
                targetSquares[i % t] += shifted * shifted;
            }
            count += rows;
        }

        RegressionMetrics metrics() {
            int t = squares.length;
            double[] mse = new double[t];
            double[] mae = new double[t];
            double[] r2 = new double[t];
            for (int j = 0; j < t; j++) {
                mse[j] = squares[j] / count;
                mae[j] = absolutes[j] / count;
                double mean = targets[j] / count;
                double total = targetSquares[j] - count * mean * mean;
                r2[j] = total > 0 ? 1 - squares[j] / total : Double.NaN;
            }
            return new RegressionMetrics(mse, mae, r2);
        }
    }

    /** The targets' mean squared error, averaged over targets. */
    public double meanMse() {
        return Arrays.stream(mse).average().orElse(Double.NaN);
    }

    /** The targets' mean absolute error, averaged over targets. */
    public double meanMae() {
        return Arrays.stream(mae).average().orElse(Double.NaN);
    }

    /** The targets' R², averaged over targets (scikit-learn's uniform average). */
    public double meanR2() {
        return Arrays.stream(r2).average().orElse(Double.NaN);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegressionMetrics m && Arrays.equals(mse, m.mse) && Arrays.equals(mae, m.mae)
                && Arrays.equals(r2, m.r2);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mse) + Arrays.hashCode(mae)) + Arrays.hashCode(r2);
    }

    @Override
    public String toString() {
        return "RegressionMetrics[mse=" + Arrays.toString(mse) + ", mae=" + Arrays.toString(mae) + ", r2="
                + Arrays.toString(r2) + "]";
    }
}
