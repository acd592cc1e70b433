package org.nn4j.backend.host;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;

/**
 * Loops over row-major Java arrays that backends running (some of) their work on the host share, so
 * that each such operation is written once. Each takes its sizes, so that arrays may be longer than
 * the data: reused work arrays, or one chunk of a larger matrix at a time.
 */
public final class HostKernels {

    private HostKernels() {
    }

    /** {@link Backend#addRowVector}: {@code out[i][j] = a[i][j] + row[j]}; {@code out} may be {@code a}. */
    public static void addRowVector(double[] a, double[] row, int rows, int cols, double[] out) {
        for (int start = 0; start < rows * cols; start += cols) {
            for (int j = 0; j < cols; j++) {
                out[start + j] = a[start + j] + row[j];
            }
        }
    }

    /** {@link Backend#addRowVector} on float32 arrays. */
    public static void addRowVector(float[] a, float[] row, int rows, int cols, float[] out) {
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

    /** {@link Backend#columnSums} on float32 arrays. */
    public static void columnSums(float[] a, int rows, int cols, float[] out) {
        System.arraycopy(a, 0, out, 0, cols);
        for (int start = cols; start < rows * cols; start += cols) {
            for (int j = 0; j < cols; j++) {
                out[j] += a[start + j];
            }
        }
    }

    /** {@link Backend#axpby} on the first {@code n} elements; {@code out} may be {@code a} or {@code b}. */
    public static void axpby(double alpha, double[] a, double beta, double[] b, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = alpha * a[i] + beta * b[i];
        }
    }

    /** {@link Backend#axpby} on float32 arrays, in float32. */
    public static void axpby(double alpha, float[] a, double beta, float[] b, int n, float[] out) {
        float alpha32 = (float) alpha;
        float beta32 = (float) beta;
        for (int i = 0; i < n; i++) {
            out[i] = alpha32 * a[i] + beta32 * b[i];
        }
    }

    /** {@link Backend#activation} on the first {@code n} elements; {@code out} may be {@code x}. */
    public static void activation(ActivationKind kind, double[] x, int n, double[] out) {
        switch (kind) {
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    out[i] = 1 / (1 + Math.exp(-x[i]));
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    out[i] = Math.tanh(x[i]);
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

    /** {@link Backend#activation} on float32 arrays (sigmoid and tanh evaluated in float64). */
    public static void activation(ActivationKind kind, float[] x, int n, float[] out) {
        switch (kind) {
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) (1 / (1 + Math.exp(-x[i])));
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) Math.tanh(x[i]);
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

    /** {@link Backend#biasActivation} on float32 arrays. */
    public static void biasActivation(ActivationKind kind, float[] z, float[] bias, int rows, int cols, float[] out) {
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
                // The step y > 0 as min(y * 2^2046, 1): 1 for every positive double, 0 for 0. The JIT
                // vectorises min and multiply, not a conditional (measured: 7 times as fast).
                for (int i = 0; i < n; i++) {
                    out[i] = grad[i] * Math.min(y[i] * 0x1p1023 * 0x1p1023, 1);
                }
                break;
            default:
                throw unsupported(kind);
        }
    }

    /** {@link Backend#activationBackward} on float32 arrays. */
    public static void activationBackward(ActivationKind kind, float[] y, float[] grad, int n, float[] out) {
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
                // As for float64, with 2^254: 1 for every positive float, 0 for 0.
                for (int i = 0; i < n; i++) {
                    out[i] = grad[i] * Math.min(y[i] * 0x1p127f * 0x1p127f, 1f);
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
    public static void leakyRelu(double slope, double[] x, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(x[i], 0) + slope * Math.min(x[i], 0);
        }
    }

    /** {@link Backend#leakyRelu} on float32 arrays. */
    public static void leakyRelu(double slope, float[] x, int n, float[] out) {
        float s = (float) slope;
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(x[i], 0f) + s * Math.min(x[i], 0f);
        }
    }

    /**
     * {@link Backend#leakyReluBackward} on the first {@code n} elements; {@code out} may be either
     * input. The step {@code x > 0} is made as for ReLU's derivative, so that the loop vectorises;
     * {@code grad step + slope grad (1 - step)} is exact, the step being 0 or 1.
     */
    public static void leakyReluBackward(double slope, double[] x, double[] grad, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            double step = Math.min(Math.max(x[i], 0) * 0x1p1023 * 0x1p1023, 1);
            out[i] = grad[i] * step + slope * grad[i] * (1 - step);
        }
    }

    /** {@link Backend#leakyReluBackward} on float32 arrays. */
    public static void leakyReluBackward(double slope, float[] x, float[] grad, int n, float[] out) {
        float s = (float) slope;
        for (int i = 0; i < n; i++) {
            float step = Math.min(Math.max(x[i], 0f) * 0x1p127f * 0x1p127f, 1f);
            out[i] = grad[i] * step + s * grad[i] * (1 - step);
        }
    }

    /** {@link Backend#multiply} on the first {@code n} elements; {@code out} may be either input. */
    public static void multiply(double[] a, double[] b, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    /** {@link Backend#multiply} on float32 arrays. */
    public static void multiply(float[] a, float[] b, int n, float[] out) {
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

    /** {@link Backend#multiplyRowVector} on float32 arrays. */
    public static void multiplyRowVector(float[] a, float[] row, int rows, int cols, float[] out) {
        for (int i = 0; i < rows; i++) {
            int at = i * cols;
            for (int j = 0; j < cols; j++) {
                out[at + j] = a[at + j] * row[j];
            }
        }
    }

    /** 1 / ulp(floor): the distance of any value above the floor from it, times this, is at least 1. */
    private static final float FLOOR_SCALE_FLOAT32 = 0x1p123f;
    private static final double FLOOR_SCALE_FLOAT64 = 0x1p1012;

    /**
     * {@code x}, or zero where {@code |x|} is at most {@link Backend#STATE_FLOOR_FLOAT64}. The mask, 0 or exactly
     * 1 (and NaN for NaN), is made of min and max because JDK 17's compiler vectorises those in a loop
     * but not a conditional.
     */
    public static double flushState(double x) {
        return x * Math.min(1, Math.max(0, (Math.abs(x) - Backend.STATE_FLOOR_FLOAT64) * FLOOR_SCALE_FLOAT64));
    }

    /** {@code x}, or zero where {@code |x|} is at most {@link Backend#STATE_FLOOR_FLOAT32}. */
    public static float flushState(float x) {
        return x * Math.min(1f, Math.max(0f, (Math.abs(x) - Backend.STATE_FLOOR_FLOAT32) * FLOOR_SCALE_FLOAT32));
    }

    /** {@link Backend#momentumUpdate} on the first {@code n} elements of float64 arrays. */
    public static void momentum(double[] p, double[] g, double[] velocity, int n, double momentum,
            double learningRate, boolean nesterov) {
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                double b = flushState(momentum * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= learningRate * (g[i] + momentum * b);
            }
        } else {
            for (int i = 0; i < n; i++) {
                double b = flushState(momentum * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= learningRate * b;
            }
        }
    }

    /** {@link Backend#momentumUpdate} on the first {@code n} elements of float32 arrays, in float32. */
    public static void momentum(float[] p, float[] g, float[] velocity, int n, double momentum, double learningRate,
            boolean nesterov) {
        float mu = (float) momentum;
        float lr = (float) learningRate;
        if (nesterov) {
            for (int i = 0; i < n; i++) {
                float b = flushState(mu * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= lr * (g[i] + mu * b);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float b = flushState(mu * velocity[i] + g[i]);
                velocity[i] = b;
                p[i] -= lr * b;
            }
        }
    }

    /** {@link Backend#adamUpdate} on the first {@code n} elements of float64 arrays. */
    public static void adam(double[] p, double[] g, double[] m, double[] v, int n, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        for (int i = 0; i < n; i++) {
            double mi = flushState(beta1 * m[i] + (1 - beta1) * g[i]);
            double vi = flushState(beta2 * v[i] + (1 - beta2) * g[i] * g[i]);
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / (Math.sqrt(vi) * vScale + epsilon);
        }
    }

    /** {@link Backend#adamUpdate} on the first {@code n} elements of float32 arrays, in float32. */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int n, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float step = (float) stepSize;
        float scale = (float) vScale;
        float eps = (float) epsilon;
        for (int i = 0; i < n; i++) {
            float mi = flushState(b1 * m[i] + c1 * g[i]);
            float vi = flushState(b2 * v[i] + c2 * g[i] * g[i]);
            m[i] = mi;
            v[i] = vi;
            p[i] -= step * mi / ((float) Math.sqrt(vi) * scale + eps);
        }
    }

    /**
     * {@link Backend#softmaxCrossEntropy} on row-major float64 arrays of {@code rows x cols}: writes
     * the gradient into {@code grad} and returns the mean loss. Computed from the logits less their
     * row's maximum, the probabilities as {@code exp / sum} and the log of the sum as {@code log1p} of
     * the other terms, so that a nearly certain row (a probability of 1 - 1e-5, say) keeps all its
     * digits in the loss and the gradient: {@code log(sum) + max - x} would lose those of the max.
     */
    public static double softmaxCrossEntropy(double[] logits, double[] targets, int rows, int cols, double[] grad) {
        double loss = 0;
        for (int start = 0; start < rows * cols; start += cols) {
            int top = start;
            for (int j = start + 1; j < start + cols; j++) {
                top = logits[j] > logits[top] ? j : top;
            }
            double max = logits[top];
            double others = 0;
            for (int j = start; j < start + cols; j++) {
                others += j == top ? 0 : Math.exp(logits[j] - max);
            }
            double sum = 1 + others;
            double logSum = Math.log1p(others);
            for (int j = start; j < start + cols; j++) {
                double shifted = logits[j] - max;
                loss += targets[j] * (logSum - shifted);
                grad[j] = (Math.exp(shifted) / sum - targets[j]) / rows;
            }
        }
        return loss / rows;
    }

    /**
     * {@link Backend#softmaxCrossEntropy} on row-major float32 arrays, computed in float64 as {@link
     * #softmaxCrossEntropy(double[], double[], int, int, double[])} and the gradient rounded to float32.
     */
    public static double softmaxCrossEntropy(float[] logits, float[] targets, int rows, int cols, float[] grad) {
        double loss = 0;
        for (int start = 0; start < rows * cols; start += cols) {
            int top = start;
            for (int j = start + 1; j < start + cols; j++) {
                top = logits[j] > logits[top] ? j : top;
            }
            double max = logits[top];
            double others = 0;
            for (int j = start; j < start + cols; j++) {
                others += j == top ? 0 : Math.exp(logits[j] - max);
            }
            double sum = 1 + others;
            double logSum = Math.log1p(others);
            for (int j = start; j < start + cols; j++) {
                double shifted = logits[j] - max;
                loss += targets[j] * (logSum - shifted);
                grad[j] = (float) ((Math.exp(shifted) / sum - targets[j]) / rows);
            }
        }
        return loss / rows;
    }

    /**
     * {@link Backend#softmaxRows} on row-major float64 arrays of {@code rows x cols}: {@code exp(x -
     * max) / sum}, not {@code exp(x - logsumexp)}, so that a probability near 1 keeps its last digits.
     */
    public static void softmaxRows(double[] x, int rows, int cols, double[] out) {
        for (int start = 0; start < rows * cols; start += cols) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = start; j < start + cols; j++) {
                max = Math.max(max, x[j]);
            }
            double sum = 0;
            for (int j = start; j < start + cols; j++) {
                out[j] = Math.exp(x[j] - max);
                sum += out[j];
            }
            for (int j = start; j < start + cols; j++) {
                out[j] /= sum;
            }
        }
    }

    /** {@link #softmaxRows(double[], int, int, double[])} of float32 rows, computed in float64. */
    public static void softmaxRows(float[] x, int rows, int cols, float[] out) {
        for (int start = 0; start < rows * cols; start += cols) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = start; j < start + cols; j++) {
                max = Math.max(max, x[j]);
            }
            double sum = 0;
            for (int j = start; j < start + cols; j++) {
                sum += Math.exp(x[j] - max);
            }
            for (int j = start; j < start + cols; j++) {
                out[j] = (float) (Math.exp(x[j] - max) / sum);
            }
        }
    }

    /** {@code log(sum(exp(values[start .. start + cols))))}, stably. */
    public static double logSumExp(double[] values, int start, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = start; j < start + cols; j++) {
            max = Math.max(max, values[j]);
        }
        double sum = 0;
        for (int j = start; j < start + cols; j++) {
            sum += Math.exp(values[j] - max);
        }
        return max + Math.log(sum);
    }

    /** {@link #logSumExp(double[], int, int)} of a float32 row, computed in float64. */
    public static double logSumExp(float[] values, int start, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = start; j < start + cols; j++) {
            max = Math.max(max, values[j]);
        }
        double sum = 0;
        for (int j = start; j < start + cols; j++) {
            sum += Math.exp(values[j] - max);
        }
        return max + Math.log(sum);
    }

    private static UnsupportedOperationException unsupported(ActivationKind kind) {
        return new UnsupportedOperationException("no host kernel for activation " + kind);
    }
}
