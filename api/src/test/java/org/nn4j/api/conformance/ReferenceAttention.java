package org.nn4j.api.conformance;

/**
 * Float64 references for the sequence operations of the kit (layer normalisation, GELU, attention),
 * written as the formulas read, one matrix at a time, for {@link BackendConformanceTest}.
 */
final class ReferenceAttention {

    private ReferenceAttention() {
    }

    /** Row statistics and output of a layer normalisation: {@code {out, mean, rstd}}. */
    static double[][] layerNorm(double[] x, int rows, int cols, double[] weight, double[] bias, double eps) {
        double[] out = new double[rows * cols];
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += x[i * cols + j];
            }
            mean[i] = sum / cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                var += Math.pow(x[i * cols + j] - mean[i], 2);
            }
            rstd[i] = 1 / Math.sqrt(var / cols + eps);
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (x[i * cols + j] - mean[i]) * rstd[i] * (weight == null ? 1 : weight[j])
                        + (bias == null ? 0 : bias[j]);
            }
        }
        return new double[][] {out, mean, rstd};
    }

    /** {@code {inputGrad, weightGrad, biasGrad}} of a layer normalisation. */
    static double[][] layerNormBackward(double[] grad, double[] x, int rows, int cols, double[] weight, double eps) {
        double[][] forward = layerNorm(x, rows, cols, null, null, eps);
        double[] xhat = forward[0];
        double[] rstd = forward[2];
        double[] inputGrad = new double[rows * cols];
        double[] weightGrad = new double[cols];
        double[] biasGrad = new double[cols];
        for (int i = 0; i < rows; i++) {
            double[] g = new double[cols];
            double meanG = 0;
            double meanGX = 0;
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                weightGrad[j] += grad[k] * xhat[k];
                biasGrad[j] += grad[k];
                g[j] = grad[k] * (weight == null ? 1 : weight[j]);
                meanG += g[j] / cols;
                meanGX += g[j] * xhat[k] / cols;
            }
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                inputGrad[k] = rstd[i] * (g[j] - meanG - xhat[k] * meanGX);
            }
        }
        return new double[][] {inputGrad, weightGrad, biasGrad};
    }

    /** erf by its series of terms of one sign, {@code 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (2n+1)!!}. */
    static double erf(double x) {
        double term = x;
        double sum = x;
        for (int n = 0; n < 2000 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
            term *= 2 * x * x / (2 * n + 3);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    static double gelu(boolean tanh, double x) {
        if (tanh) {
            return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        }
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    static double geluDerivative(boolean tanh, double x) {
        if (tanh) {
            double k = Math.sqrt(2 / Math.PI);
            double t = Math.tanh(k * (x + 0.044715 * x * x * x));
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
        }
        return 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** {@code {probs, context}} of attention (see {@code Backend.attention}); lengths and mask may be null. */
    static double[][] attention(double[] qkv, int n, int steps, int heads, int width, int[] lengths, double[] mask) {
        int d = width / heads;
        double[] probs = new double[n * heads * steps * steps];
        double[] context = new double[n * steps * width];
        for (int e = 0; e < n; e++) {
            int keys = lengths == null ? steps : lengths[e];
            for (int h = 0; h < heads; h++) {
                double[][] q = block(qkv, e, steps, width, 0, h, d);
                double[][] k = block(qkv, e, steps, width, 1, h, d);
                double[][] v = block(qkv, e, steps, width, 2, h, d);
                for (int i = 0; i < steps; i++) {
                    double[] s = new double[keys];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        for (int c = 0; c < d; c++) {
                            s[j] += q[i][c] * k[j][c];
                        }
                        s[j] /= Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double total = 0;
                    for (int j = 0; j < keys; j++) {
                        total += Math.exp(s[j] - max);
                    }
                    int row = ((e * heads + h) * steps + i) * steps;
                    for (int j = 0; j < keys; j++) {
                        probs[row + j] = Math.exp(s[j] - max) / total;
                        double p = probs[row + j] * (mask == null ? 1 : mask[row + j]);
                        for (int c = 0; c < d; c++) {
                            context[(e * steps + i) * width + h * d + c] += p * v[j][c];
                        }
                    }
                }
            }
        }
        return new double[][] {probs, context};
    }

    /** The gradient for {@code qkv} of attention, given the context's gradient {@code grad}. */
    static double[] attentionBackward(double[] grad, double[] qkv, int n, int steps, int heads, int width,
            int[] lengths, double[] mask) {
        int d = width / heads;
        double[] probs = attention(qkv, n, steps, heads, width, lengths, mask)[0];
        double[] out = new double[qkv.length];
        for (int e = 0; e < n; e++) {
            int keys = lengths == null ? steps : lengths[e];
            for (int h = 0; h < heads; h++) {
                double[][] q = block(qkv, e, steps, width, 0, h, d);
                double[][] k = block(qkv, e, steps, width, 1, h, d);
                double[][] v = block(qkv, e, steps, width, 2, h, d);
                for (int i = 0; i < steps; i++) {
                    int row = ((e * heads + h) * steps + i) * steps;
                    double[] dp = new double[keys];
                    double weighted = 0;
                    for (int j = 0; j < keys; j++) {
                        double m = mask == null ? 1 : mask[row + j];
                        for (int c = 0; c < d; c++) {
                            double g = grad[(e * steps + i) * width + h * d + c];
                            dp[j] += g * v[j][c] * m;
                            out[(e * steps + j) * 3 * width + 2 * width + h * d + c] += probs[row + j] * m * g;
                        }
                        weighted += probs[row + j] * dp[j];
                    }
                    for (int j = 0; j < keys; j++) {
                        double ds = probs[row + j] * (dp[j] - weighted) / Math.sqrt(d);
                        for (int c = 0; c < d; c++) {
                            out[(e * steps + i) * 3 * width + h * d + c] += ds * k[j][c];
                            out[(e * steps + j) * 3 * width + width + h * d + c] += ds * q[i][c];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Head {@code h}'s queries (part 0), keys (1) or values (2) of example {@code e}: {@code steps x d}. */
    private static double[][] block(double[] qkv, int e, int steps, int width, int part, int h, int d) {
        double[][] out = new double[steps][d];
        for (int t = 0; t < steps; t++) {
            for (int c = 0; c < d; c++) {
                out[t][c] = qkv[(e * steps + t) * 3 * width + part * width + h * d + c];
            }
        }
        return out;
    }
}
