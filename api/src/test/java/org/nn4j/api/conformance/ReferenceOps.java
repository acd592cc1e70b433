package org.nn4j.api.conformance;

import org.nn4j.api.ActivationKind;

/**
 * Plain-Java float64 versions of every SPI operation, on row-major arrays: the yardstick the
 * conformance kit measures backends against. Written for obviousness, not speed.
 */
public final class ReferenceOps {

    private ReferenceOps() {
    }

    /** {@code alpha * op(A) * op(B) + beta * C}; {@code c} is read only when {@code beta != 0}. */
    public static double[] gemm(boolean transposeA, boolean transposeB, double alpha, double[] a, int aRows,
            int aCols, double[] b, int bRows, int bCols, double beta, double[] c) {
        int m = transposeA ? aCols : aRows;
        int k = transposeA ? aRows : aCols;
        int n = transposeB ? bRows : bCols;
        double[] result = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transposeA ? a[p * aCols + i] : a[i * aCols + p];
                    double bpj = transposeB ? b[j * bCols + p] : b[p * bCols + j];
                    sum += aip * bpj;
                }
                result[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
            }
        }
        return result;
    }

    public static double[] addRowVector(double[] a, int cols, double[] row) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + row[i % cols];
        }
        return out;
    }

    public static double[] columnSums(double[] a, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < a.length; i++) {
            out[i % cols] += a[i];
        }
        return out;
    }

    public static double[] axpby(double alpha, double[] a, double beta, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = alpha * a[i] + beta * b[i];
        }
        return out;
    }

    public static double[] multiply(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * b[i];
        }
        return out;
    }

    public static double activation(ActivationKind kind, double x) {
        switch (kind) {
            case SIGMOID:
                return 1 / (1 + Math.exp(-x));
            case TANH:
                return Math.tanh(x);
            case RELU:
                return x > 0 ? x : 0;
            default:
                throw new IllegalArgumentException("no reference for " + kind);
        }
    }

    /** The derivative of {@code kind} at the point where it outputs {@code y}. */
    public static double derivativeFromOutput(ActivationKind kind, double y) {
        switch (kind) {
            case SIGMOID:
                return y * (1 - y);
            case TANH:
                return 1 - y * y;
            case RELU:
                return y > 0 ? 1 : 0;
            default:
                throw new IllegalArgumentException("no reference for " + kind);
        }
    }

    /**
     * Optimizer state as the SPI keeps it: zero where its magnitude is at most {@code floor}
     * (2^-100 for float32 state, 2^-960 for float64).
     */
    public static double flushState(double x, double floor) {
        return Math.abs(x) <= floor ? 0 : x;
    }

    /** SGD with momentum: the new parameter and velocity; state at most {@code floor} becomes zero. */
    public static double[][] momentumUpdate(double[] param, double[] grad, double[] velocity, double momentum,
            double learningRate, boolean nesterov, double floor) {
        double[] p = param.clone();
        double[] b = new double[velocity.length];
        for (int i = 0; i < p.length; i++) {
            b[i] = flushState(momentum * velocity[i] + grad[i], floor);
            p[i] -= learningRate * (nesterov ? grad[i] + momentum * b[i] : b[i]);
        }
        return new double[][] {p, b};
    }

    /**
     * Adam's step as {@code Backend#adamUpdate} defines it; returns {param, m, v}. State at most
     * {@code floor} becomes zero.
     */
    public static double[][] adamUpdate(double[] param, double[] grad, double[] m, double[] v, double beta1,
            double beta2, double stepSize, double vScale, double epsilon, double floor) {
        double[] p = param.clone();
        double[] m1 = new double[m.length];
        double[] v1 = new double[v.length];
        for (int i = 0; i < p.length; i++) {
            m1[i] = flushState(beta1 * m[i] + (1 - beta1) * grad[i], floor);
            v1[i] = flushState(beta2 * v[i] + (1 - beta2) * grad[i] * grad[i], floor);
            p[i] -= stepSize * m1[i] / (Math.sqrt(v1[i]) * vScale + epsilon);
        }
        return new double[][] {p, m1, v1};
    }

    public static double[] logSumExpRows(double[] x, int cols) {
        int rows = x.length / cols;
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[i * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[i * cols + j] - max);
            }
            out[i] = max + Math.log(sum);
        }
        return out;
    }

    public static double[] softmaxRows(double[] x, int cols) {
        double[] logSumExp = logSumExpRows(x, cols);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.exp(x[i] - logSumExp[i / cols]);
        }
        return out;
    }

    public static int[] argmaxRows(double[] x, int cols) {
        int rows = x.length / cols;
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 1; j < cols; j++) {
                if (x[i * cols + j] > x[i * cols + out[i]]) {
                    out[i] = j;
                }
            }
        }
        return out;
    }

    public static double sum(double[] a) {
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        return sum;
    }

    public static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
