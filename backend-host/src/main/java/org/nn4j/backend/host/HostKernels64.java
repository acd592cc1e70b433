package org.nn4j.backend.host;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/**
 * Loops over row-major float64 Java arrays that backends running (some of) their work on the host
 * share, so that each such operation is written once; {@code HostKernels32} is the same on float32
 * arrays, generated from this source at build time (see {@code org.nn4j.codegen}). Each takes its sizes,
 * so that arrays may be longer than the data: reused work arrays, or one chunk of a larger matrix at a
 * time. Scalars come as the SPI gives them, 64-bit floats, and are rounded to the element type once
 * ({@code @Round}); transcendental functions, sums and the softmax are computed in 64-bit floats whatever
 * the element type ({@code @Wide}).
 */
public final class HostKernels64 {

    private HostKernels64() {
    }

    /** {@link Backend#addRowVector}: {@code out[i][j] = a[i][j] + row[j]}; {@code out} may be {@code a}. */
    public static void addRowVector(double[] a, double[] row, int rows, int cols, double[] out) {
        for (int start = 0; start < rows * cols; start += cols) {
            for (int j = 0; j < cols; j++) {
                out[start + j] = a[start + j] + row[j];
            }
        }
    }

    /** {@link Backend#columnSums}: {@code out[j]} = the sum of column {@code j} of {@code a}. */
    public static void columnSums(double[] a, int rows, int cols, double[] out) {
        System.arraycopy(a, 0, out, 0, cols);
        for (int start = cols; start < rows * cols; start += cols) {
            for (int j = 0; j < cols; j++) {
                out[j] += a[start + j];
            }
        }
    }

    /** {@link Backend#axpby} on the first {@code n} elements; {@code out} may be {@code a} or {@code b}. */
    public static void axpby(@Wide double alpha, double[] a, @Wide double beta, double[] b, int n, double[] out) {
        double alphaN = (@Round double) alpha;
        double betaN = (@Round double) beta;
        for (int i = 0; i < n; i++) {
            out[i] = alphaN * a[i] + betaN * b[i];
        }
    }

    /** {@link Backend#activation} on the first {@code n} elements; {@code out} may be {@code x}. */
    public static void activation(ActivationKind kind, double[] x, int n, double[] out) {
        switch (kind) {
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    out[i] = (@Round double) (1 / (1 + Math.exp(-x[i])));
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    out[i] = (@Round double) Math.tanh(x[i]);
                }
                break;
            case RELU:
                // Math.max, unlike a conditional, is vectorised by the JIT (measured: 10 times as fast).
                for (int i = 0; i < n; i++) {
                    out[i] = Math.max(x[i], 0);
                }
                break;
            default:
                throw unsupported(kind);
        }
    }

    /**
     * {@link Backend#biasActivation} on {@code rows x cols} arrays; {@code out} must not be {@code z}.
     * The bias is first copied into every row of {@code out}, so that the sum reads both arrays at the
     * same index: the JIT vectorises that, and not {@link #addRowVector}'s loop, whose row may be any
     * array (measured: 6.9 against 11.9 µs for 128x256 float32, with ReLU).
     */
    public static void biasActivation(ActivationKind kind, double[] z, double[] bias, int rows, int cols,
            double[] out) {
        int n = rows * cols;
        for (int start = 0; start < n; start += cols) {
            System.arraycopy(bias, 0, out, start, cols);
        }
        for (int i = 0; i < n; i++) {
            z[i] += out[i];
        }
        activation(kind, z, n, out);
    }

    /**
     * {@link Backend#activationBackward} from the activation's output {@code y} (no exp or tanh
     * needed): {@code out = grad * f'}; {@code out} may be {@code grad}. A NaN in {@code y} or an
     * infinite {@code grad} where ReLU's derivative is 0 gives NaN, as the product would.
     */
    public static void activationBackward(ActivationKind kind, double[] y, double[] grad, int n, double[] out) {
        switch (kind) {
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    out[i] = grad[i] * (y[i] * (1 - y[i]));
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    out[i] = grad[i] * (1 - y[i] * y[i]);
                }
                break;
            case RELU:
                // The step y > 0 as min(y * STEP * STEP, 1): 1 for every positive value, 0 for 0. The JIT
                // vectorises min and multiply, not a conditional (measured: 7 times as fast).
                for (int i = 0; i < n; i++) {
                    out[i] = grad[i] * Math.min(y[i] * Scales.STEP_FLOAT64 * Scales.STEP_FLOAT64, 1);
                }
                break;
            default:
                throw unsupported(kind);
        }
    }

    /**
     * {@link Backend#leakyRelu} on the first {@code n} elements; {@code out} may be {@code x}. As
     * {@code max(x, 0) + slope min(x, 0)}, which the JIT vectorises and which is exact: one of the two
     * terms is zero.
     */
    public static void leakyRelu(@Wide double slope, double[] x, int n, double[] out) {
        double s = (@Round double) slope;
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(x[i], 0) + s * Math.min(x[i], 0);
        }
    }

    /**
     * {@link Backend#leakyReluBackward} on the first {@code n} elements; {@code out} may be either
     * input. The step {@code x > 0} is made as for ReLU's derivative, so that the loop vectorises;
     * {@code grad step + slope grad (1 - step)} is exact, the step being 0 or 1.
     */
    public static void leakyReluBackward(@Wide double slope, double[] x, double[] grad, int n, double[] out) {
        double s = (@Round double) slope;
        for (int i = 0; i < n; i++) {
            double step = Math.min(Math.max(x[i], 0) * Scales.STEP_FLOAT64 * Scales.STEP_FLOAT64, 1);
            out[i] = grad[i] * step + s * grad[i] * (1 - step);
        }
    }

    /** {@link Backend#multiply} on the first {@code n} elements; {@code out} may be either input. */
    public static void multiply(double[] a, double[] b, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    /** {@link Backend#multiplyRowVector} on {@code rows x cols} arrays; {@code out} may be {@code a}. */
    public static void multiplyRowVector(double[] a, double[] row, int rows, int cols, double[] out) {
        for (int i = 0; i < rows; i++) {
            int at = i * cols;
            for (int j = 0; j < cols; j++) {
                out[at + j] = a[at + j] * row[j];
            }
        }
    }

    /**
     * {@code x}, or zero where {@code |x|} is at most {@link Backend#STATE_FLOOR_FLOAT64}, the optimizer
     * state's floor. The mask, 0 or exactly 1 (and NaN for NaN), is made of min and max because JDK 17's
     * compiler vectorises those in a loop but not a conditional.
     */
    public static double flushState(double x) {
        return x * Math.min(1, Math.max(0, (Math.abs(x) - Backend.STATE_FLOOR_FLOAT64) * Scales.FLOOR_FLOAT64));
    }

    /** {@link Backend#momentumUpdate} on the first {@code n} elements, in the arrays' precision. */
    public static void momentum(double[] p, double[] g, double[] velocity, int n, @Wide double momentum,
            @Wide double learningRate, boolean nesterov) {
        double mu = (@Round double) momentum;
        double lr = (@Round double) learningRate;
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                double b = flushState(mu * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= lr * (g[i] + mu * b);
            }
        } else {
            for (int i = 0; i < n; i++) {
                double b = flushState(mu * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= lr * b;
            }
        }
    }

    /** {@link Backend#adamUpdate} on the first {@code n} elements, in the arrays' precision. */
    public static void adam(double[] p, double[] g, double[] m, double[] v, int n, @Wide double beta1,
            @Wide double beta2, @Wide double stepSize, @Wide double vScale, @Wide double epsilon) {
        double b1 = (@Round double) beta1;
        double b2 = (@Round double) beta2;
        double c1 = (@Round double) (1 - beta1);
        double c2 = (@Round double) (1 - beta2);
        double step = (@Round double) stepSize;
        double scale = (@Round double) vScale;
        double eps = (@Round double) epsilon;
        for (int i = 0; i < n; i++) {
            double mi = flushState(b1 * m[i] + c1 * g[i]);
            double vi = flushState(b2 * v[i] + c2 * g[i] * g[i]);
            m[i] = mi;
            v[i] = vi;
            p[i] -= step * mi / ((@Round double) Math.sqrt(vi) * scale + eps);
        }
    }

    /**
     * {@link Backend#softmaxCrossEntropy} on row-major arrays of {@code rows x cols}: writes the gradient
     * into {@code grad} and returns the mean loss, both computed in 64-bit floats. Computed from the logits
     * less their row's maximum, the probabilities as {@code exp / sum} and the log of the sum as {@code
     * log1p} of the other terms, so that a nearly certain row (a probability of 1 - 1e-5, say) keeps all
     * its digits in the loss and the gradient: {@code log(sum) + max - x} would lose those of the max.
     */
    public static @Wide double softmaxCrossEntropy(double[] logits, double[] targets, int rows, int cols,
            double[] grad) {
        @Wide double loss = 0;
        for (int start = 0; start < rows * cols; start += cols) {
            int top = start;
            for (int j = start + 1; j < start + cols; j++) {
                top = logits[j] > logits[top] ? j : top;
            }
            @Wide double max = logits[top];
            @Wide double others = 0;
            for (int j = start; j < start + cols; j++) {
                others += j == top ? 0 : Math.exp(logits[j] - max);
            }
            @Wide double sum = 1 + others;
            @Wide double logSum = Math.log1p(others);
            for (int j = start; j < start + cols; j++) {
                @Wide double shifted = logits[j] - max;
                loss += targets[j] * (logSum - shifted);
                grad[j] = (@Round double) ((Math.exp(shifted) / sum - targets[j]) / rows);
            }
        }
        return loss / rows;
    }

    /**
     * {@link Backend#softmaxRows} on row-major arrays of {@code rows x cols}, computed in 64-bit floats:
     * {@code exp(x - max) / sum}, not {@code exp(x - logsumexp)}, so that a probability near 1 keeps its
     * last digits.
     */
    public static void softmaxRows(double[] x, int rows, int cols, double[] out) {
        for (int start = 0; start < rows * cols; start += cols) {
            @Wide double max = Double.NEGATIVE_INFINITY;
            for (int j = start; j < start + cols; j++) {
                max = Math.max(max, x[j]);
            }
            @Wide double sum = 0;
            for (int j = start; j < start + cols; j++) {
                sum += Math.exp(x[j] - max);
            }
            for (int j = start; j < start + cols; j++) {
                out[j] = (@Round double) (Math.exp(x[j] - max) / sum);
            }
        }
    }

    /** {@code log(sum(exp(values[start .. start + cols))))}, stably, in 64-bit floats. */
    public static @Wide double logSumExp(double[] values, int start, int cols) {
        @Wide double max = Double.NEGATIVE_INFINITY;
        for (int j = start; j < start + cols; j++) {
            max = Math.max(max, values[j]);
        }
        @Wide double sum = 0;
        for (int j = start; j < start + cols; j++) {
            sum += Math.exp(values[j] - max);
        }
        return max + Math.log(sum);
    }

    /** {@link Backend#logSumExpRows}: {@code out[i]} = {@link #logSumExp} of row {@code i}. */
    public static void logSumExpRows(double[] x, int rows, int cols, double[] out) {
        for (int i = 0; i < rows; i++) {
            out[i] = (@Round double) logSumExp(x, i * cols, cols);
        }
    }

    /** {@link Backend#argmaxRows}: each row's first largest value's column. */
    public static void argmaxRows(double[] x, int rows, int cols, int[] out) {
        for (int i = 0; i < rows; i++) {
            int start = i * cols;
            int best = 0;
            for (int j = 1; j < cols; j++) {
                if (x[start + j] > x[start + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
    }

    /** {@link Backend#sum} of the first {@code n} elements, in 64-bit floats. */
    public static @Wide double sum(double[] a, int n) {
        @Wide double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[i];
        }
        return sum;
    }

    /** {@link Backend#dot} of the first {@code n} elements, each product and the sum in 64-bit floats. */
    public static @Wide double dot(double[] a, double[] b, int n) {
        @Wide double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (@Wide double) a[i] * b[i];
        }
        return sum;
    }

    private static UnsupportedOperationException unsupported(ActivationKind kind) {
        return new UnsupportedOperationException("no host kernel for activation " + kind);
    }
}
