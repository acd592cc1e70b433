package org.nn4j.backend.host;

import org.nn4j.api.Backend;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/**
 * The loops of the sequence operations on row-major float64 arrays (layer normalisation, GELU, attention),
 * written once for the CPU backends; {@code SequenceKernels32} is generated from this source at build
 * time. Statistics, sums and transcendental functions are computed in 64-bit floats whatever the element
 * type ({@code @Wide}), each result rounded to it once ({@code @Round}).
 */
public final class SequenceKernels64 {
    private static final @Wide double SQRT_HALF = Math.sqrt(0.5);
    private static final @Wide double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final @Wide double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final @Wide double CUBIC = 0.044715;

    private SequenceKernels64() {
    }

    /**
     * {@link Backend#layerNorm} on rows {@code [from, to)} of {@code cols} values; {@code weight} and {@code
     * bias} may be null, {@code out} may be {@code x}.
     */
    public static void layerNorm(double[] x, double[] weight, double[] bias, @Wide double eps, int from, int to,
            int cols, double[] out, double[] mean, double[] rstd) {
        for (int i = from; i < to; i++) {
            int start = i * cols;
            @Wide double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += x[start + j];
            }
            @Wide double mu = sum / cols;
            @Wide double squares = 0;
            for (int j = 0; j < cols; j++) {
                @Wide double c = x[start + j] - mu;
                squares += c * c;
            }
            @Wide double inv = 1 / Math.sqrt(squares / cols + eps);
            mean[i] = (@Round double) mu;
            rstd[i] = (@Round double) inv;
            for (int j = 0; j < cols; j++) {
                @Wide double y = (x[start + j] - mu) * inv;
                if (weight != null) {
                    y *= weight[j];
                }
                if (bias != null) {
                    y += bias[j];
                }
                out[start + j] = (@Round double) y;
            }
        }
    }

    /**
     * {@link Backend#layerNormBackward}'s input gradient on rows {@code [from, to)}, into {@code inputGrad}
     * (may be {@code grad}); the weight's and bias's gradients are {@link #layerNormSums}.
     */
    public static void layerNormBackward(double[] grad, double[] x, double[] weight, double[] mean, double[] rstd,
            int from, int to, int cols, double[] inputGrad) {
        for (int i = from; i < to; i++) {
            int start = i * cols;
            @Wide double mu = mean[i];
            @Wide double inv = rstd[i];
            @Wide double sumG = 0;
            @Wide double sumGX = 0;
            for (int j = 0; j < cols; j++) {
                @Wide double xhat = (x[start + j] - mu) * inv;
                @Wide double dy = grad[start + j];
                @Wide double g = weight == null ? dy : dy * weight[j];
                sumG += g;
                sumGX += g * xhat;
            }
            @Wide double meanG = sumG / cols;
            @Wide double meanGX = sumGX / cols;
            for (int j = 0; j < cols; j++) {
                @Wide double xhat = (x[start + j] - mu) * inv;
                @Wide double g = weight == null ? grad[start + j] : grad[start + j] * (@Wide double) weight[j];
                inputGrad[start + j] = (@Round double) (inv * (g - meanG - xhat * meanGX));
            }
        }
    }

    /**
     * The column sums of {@link #layerNormBackward}, for columns {@code [from, to)} over all {@code rows}, each
     * summed over the rows in order: {@code grad * xhat} into {@code weightSums}, {@code grad} into {@code
     * biasSums} (float64, {@code cols} long; either may be null).
     */
    public static void layerNormSums(double[] grad, double[] x, double[] mean, double[] rstd, int rows, int cols,
            int from, int to, @Wide double[] weightSums, @Wide double[] biasSums) {
        for (int i = 0; i < rows; i++) {
            int start = i * cols;
            @Wide double mu = mean[i];
            @Wide double inv = rstd[i];
            for (int j = from; j < to; j++) {
                @Wide double xhat = (x[start + j] - mu) * inv;
                @Wide double dy = grad[start + j];
                if (weightSums != null) {
                    weightSums[j] += dy * xhat;
                }
                if (biasSums != null) {
                    biasSums[j] += dy;
                }
            }
        }
    }

    /** {@link Backend#gelu} on the first {@code n} elements; {@code out} may be {@code x}. */
    public static void gelu(boolean tanhApproximation, double[] x, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            @Wide double v = x[i];
            if (tanhApproximation) {
                out[i] = (@Round double) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v))));
            } else {
                out[i] = (@Round double) (0.5 * v * (1 + Erf.erf(v * SQRT_HALF)));
            }
        }
    }

    /** {@link Backend#geluBackward} on the first {@code n} elements; {@code out} may be {@code x} or {@code grad}. */
    public static void geluBackward(boolean tanhApproximation, double[] x, double[] grad, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            @Wide double v = x[i];
            @Wide double derivative;
            if (tanhApproximation) {
                @Wide double inner = SQRT_2_OVER_PI * (v + CUBIC * v * v * v);
                @Wide double t = Math.tanh(inner);
                derivative = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * CUBIC * v * v);
            } else {
                derivative = 0.5 * (1 + Erf.erf(v * SQRT_HALF)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            }
            out[i] = (@Round double) (grad[i] * derivative);
        }
    }

    /**
     * Columns {@code c0 .. c0 + d} of rows {@code base .. base + rows} of {@code a} (rows of {@code stride}
     * values) into {@code out} from {@code at}, widened: as rows of {@code d}, or transposed ({@code d} rows
     * of {@code rows}) when {@code transpose}. The attention loops run on these copies of one head's queries,
     * keys and values: contiguous, in 64-bit floats already, so that C2 vectorises their inner loops.
     */
    private static void slice(double[] a, int base, int rows, int stride, int c0, int d, boolean transpose,
            @Wide double[] out, int at) {
        for (int j = 0; j < rows; j++) {
            int row = (base + j) * stride + c0;
            for (int c = 0; c < d; c++) {
                out[at + (transpose ? c * rows + j : j * d + c)] = a[row + c];
            }
        }
    }

    /**
     * {@link Backend#attention} for examples {@code [from, to)}: {@code qkv} holds rows of {@code 3 * width}
     * values, {@code context} of {@code width}; {@code lengths} and {@code dropMask} may be null. {@code
     * work} is a work array of at least {@link #attentionWork}{@code (steps, width / heads)} values.
     */
    public static void attention(double[] qkv, int steps, int heads, int width, int[] lengths, double[] dropMask,
            int from, int to, double[] probs, double[] context, @Wide double[] work) {
        int d = width / heads;
        int stride = 3 * width;
        @Wide double scale = 1 / Math.sqrt(d);
        // work: a row of scores [0, steps), a context row [steps, steps + d), then the head's queries (T x d),
        // its keys transposed (d x T) and its values (T x d).
        int qs = steps + d;
        int kt = qs + steps * d;
        int vs = kt + d * steps;
        for (int e = from; e < to; e++) {
            int keys = lengths == null ? steps : lengths[e];
            int base = e * steps;
            for (int h = 0; h < heads; h++) {
                slice(qkv, base, steps, stride, h * d, d, false, work, qs);
                slice(qkv, base, steps, stride, width + h * d, d, true, work, kt);
                slice(qkv, base, steps, stride, 2 * width + h * d, d, false, work, vs);
                for (int i = 0; i < steps; i++) {
                    int pRow = ((e * heads + h) * steps + i) * steps;
                    int cRow = (base + i) * width + h * d;
                    // Each score a sum over c in order, as a dot product would add them.
                    java.util.Arrays.fill(work, 0, keys, 0);
                    for (int c = 0; c < d; c++) {
                        @Wide double q = work[qs + i * d + c];
                        int k = kt + c * steps;
                        for (int j = 0; j < keys; j++) {
                            work[j] += q * work[k + j];
                        }
                    }
                    @Wide double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        work[j] = work[j] * scale;
                        max = Math.max(max, work[j]);
                    }
                    @Wide double total = 0;
                    for (int j = 0; j < keys; j++) {
                        work[j] = Math.exp(work[j] - max);
                        total += work[j];
                    }
                    for (int j = 0; j < steps; j++) {
                        probs[pRow + j] = j < keys ? (@Round double) (work[j] / total) : 0;
                    }
                    // The context row, value row after value row, summed in float64 at work[steps ..].
                    java.util.Arrays.fill(work, steps, steps + d, 0);
                    for (int j = 0; j < keys; j++) {
                        @Wide double p = probs[pRow + j];
                        if (dropMask != null) {
                            p *= dropMask[pRow + j];
                        }
                        int v = vs + j * d;
                        for (int c = 0; c < d; c++) {
                            work[steps + c] += p * work[v + c];
                        }
                    }
                    for (int c = 0; c < d; c++) {
                        context[cRow + c] = (@Round double) work[steps + c];
                    }
                }
            }
        }
    }

    /** The work array {@link #attention} needs: {@code steps + d + 3 steps d} for head width {@code d}. */
    public static int attentionWork(int steps, int d) {
        return steps + d + 3 * steps * d;
    }

    /** The work array {@link #attentionBackward} needs: {@code steps^2 + 2 d + 4 steps d} for head width {@code d}. */
    public static int attentionBackwardWork(int steps, int d) {
        return steps * steps + 2 * d + 4 * steps * d;
    }

    /**
     * {@link Backend#attentionBackward} for examples {@code [from, to)}, {@code qkvGrad}'s rows of these
     * examples overwritten; {@code work} is a work array of at least {@link #attentionBackwardWork}{@code
     * (steps, width / heads)} values.
     */
    public static void attentionBackward(double[] grad, double[] qkv, int steps, int heads, int width, int[] lengths,
            double[] dropMask, double[] probs, int from, int to, double[] qkvGrad, @Wide double[] work) {
        int d = width / heads;
        int stride = 3 * width;
        int sums = steps * steps;
        @Wide double scale = 1 / Math.sqrt(d);
        // work: dS (T x T), two sum rows [sums, sums + 2d), then the head's queries and keys (T x d), its values
        // transposed (d x T) and the context's gradient (T x d).
        int qs = sums + 2 * d;
        int ks = qs + steps * d;
        int vt = ks + steps * d;
        int gs = vt + d * steps;
        for (int e = from; e < to; e++) {
            int keys = lengths == null ? steps : lengths[e];
            int base = e * steps;
            for (int h = 0; h < heads; h++) {
                int p0 = (e * heads + h) * steps * steps;
                slice(qkv, base, steps, stride, h * d, d, false, work, qs);
                slice(qkv, base, steps, stride, width + h * d, d, false, work, ks);
                slice(qkv, base, steps, stride, 2 * width + h * d, d, true, work, vt);
                slice(grad, base, steps, width, h * d, d, false, work, gs);
                // work[i][j] = dS: P[i][j] (dP[i][j] - sum over k of P[i][k] dP[i][k]) / sqrt(d), where dP =
                // (dC V^T) * mask is the gradient of the probabilities before the mask.
                for (int i = 0; i < steps; i++) {
                    int pRow = p0 + i * steps;
                    int row = i * steps;
                    java.util.Arrays.fill(work, row, row + keys, 0);
                    for (int c = 0; c < d; c++) {
                        @Wide double g = work[gs + i * d + c];
                        int v = vt + c * steps;
                        for (int j = 0; j < keys; j++) {
                            work[row + j] += g * work[v + j];
                        }
                    }
                    @Wide double weighted = 0;
                    for (int j = 0; j < keys; j++) {
                        if (dropMask != null) {
                            work[row + j] *= dropMask[pRow + j];
                        }
                        weighted += probs[pRow + j] * work[row + j];
                    }
                    for (int j = 0; j < keys; j++) {
                        work[row + j] = probs[pRow + j] * (work[row + j] - weighted) * scale;
                    }
                }
                // The queries' gradients: dS K, key row after key row, summed at work[sums ..].
                for (int i = 0; i < steps; i++) {
                    java.util.Arrays.fill(work, sums, sums + d, 0);
                    for (int j = 0; j < keys; j++) {
                        @Wide double w = work[i * steps + j];
                        int k = ks + j * d;
                        for (int c = 0; c < d; c++) {
                            work[sums + c] += w * work[k + c];
                        }
                    }
                    int qRow = (base + i) * stride + h * d;
                    for (int c = 0; c < d; c++) {
                        qkvGrad[qRow + c] = (@Round double) work[sums + c];
                    }
                }
                // The keys' gradients dS^T Q and the values' (P * mask)^T dC, query row after query row.
                for (int j = 0; j < steps; j++) {
                    java.util.Arrays.fill(work, sums, sums + 2 * d, 0);
                    if (j < keys) {
                        for (int i = 0; i < steps; i++) {
                            @Wide double w = work[i * steps + j];
                            @Wide double p = probs[p0 + i * steps + j];
                            if (dropMask != null) {
                                p *= dropMask[p0 + i * steps + j];
                            }
                            int q = qs + i * d;
                            int g = gs + i * d;
                            for (int c = 0; c < d; c++) {
                                work[sums + c] += w * work[q + c];
                                work[sums + d + c] += p * work[g + c];
                            }
                        }
                    }
                    int kRow = (base + j) * stride + width + h * d;
                    int vRow = (base + j) * stride + 2 * width + h * d;
                    for (int c = 0; c < d; c++) {
                        qkvGrad[kRow + c] = (@Round double) work[sums + c];
                        qkvGrad[vRow + c] = (@Round double) work[sums + d + c];
                    }
                }
            }
        }
    }
}
