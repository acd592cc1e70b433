package org.nn4j.api;

/**
 * Loops over Java arrays that backends running (some of) their work on the host share, so that each
 * such operation is written once: Adam's step and the fused softmax cross-entropy.
 */
public final class HostKernels {

    private HostKernels() {
    }

    /** {@link Backend#adamUpdate} on the first {@code n} elements of float64 arrays. */
    public static void adam(double[] p, double[] g, double[] m, double[] v, int n, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        for (int i = 0; i < n; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) * vScale + epsilon);
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
            m[i] = b1 * m[i] + c1 * g[i];
            v[i] = b2 * v[i] + c2 * g[i] * g[i];
            p[i] -= step * m[i] / ((float) Math.sqrt(v[i]) * scale + eps);
        }
    }

    /**
     * {@link Backend#softmaxCrossEntropy} on row-major float64 arrays of {@code rows x cols}: writes
     * the gradient into {@code grad} and returns the mean loss.
     */
    public static double softmaxCrossEntropy(double[] logits, double[] targets, int rows, int cols, double[] grad) {
        double loss = 0;
        for (int start = 0; start < rows * cols; start += cols) {
            double logSumExp = logSumExp(logits, start, cols);
            for (int j = start; j < start + cols; j++) {
                loss += targets[j] * (logSumExp - logits[j]);
                grad[j] = (Math.exp(logits[j] - logSumExp) - targets[j]) / rows;
            }
        }
        return loss / rows;
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
}
