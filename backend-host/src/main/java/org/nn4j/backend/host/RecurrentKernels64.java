package org.nn4j.backend.host;

import java.util.Arrays;
import org.nn4j.api.Backend;
import org.nn4j.api.RecurrentCell;
import org.nn4j.codegen.Round;

/**
 * {@link Backend#recurrentForward} and {@link Backend#recurrentBackward} as loops over row-major float64
 * host arrays; {@code RecurrentKernels32} is the same on float32 arrays, generated from this source at
 * build time. The steps are walked here; each step's product with {@code W_hh} goes to the backend's own
 * product ({@link Products}), and the cell's element-wise work for all rows and gates is one pass.
 * Arrays are as the SPI lays them out: projections {@code (n * T) x G} (row {@code e * T + t}), outputs
 * {@code n x (T * H)}, the cache {@code (n * T) x cacheWidth(H)}. Work arrays are the caller's, so that a
 * backend allocates nothing once warm.
 */
public final class RecurrentKernels64 {

    private RecurrentKernels64() {
    }

    /** A step's products with {@code W_hh} ({@code G x H}), on the backend's own product kernel. */
    public interface Products {
        /** {@code gates = h W_hh^T}: {@code h} is {@code rows x H}, {@code gates} {@code rows x G}, overwritten. */
        void hidden(double[] h, int rows, double[] gates);

        /** {@code dh += dGates W_hh}: {@code dGates} is {@code rows x G}, {@code dh} {@code rows x H}. */
        void hiddenGrad(double[] dGates, int rows, double[] dh);

        /** {@code dW_hh += dGates^T hPrev}: {@code dGates} is {@code rows x G}, {@code hPrev} {@code rows x H}. */
        void weightGrad(double[] dGates, double[] hPrev, int rows);
    }

    /** Products on plain loops over {@code W_hh} and its gradient, for a backend without a kernel of its own. */
    public static final class PlainProducts implements Products {
        private double[] weight;
        private double[] weightGrad;
        private int gateCols;
        private int hidden;

        /** Sets {@code W_hh} ({@code g x h}) and its gradient's array (null for a forward pass). */
        public PlainProducts set(double[] weight, double[] weightGrad, int g, int h) {
            this.weight = weight;
            this.weightGrad = weightGrad;
            this.gateCols = g;
            this.hidden = h;
            return this;
        }

        @Override
        public void hidden(double[] h, int rows, double[] gates) {
            for (int e = 0; e < rows; e++) {
                for (int k = 0; k < gateCols; k++) {
                    double sum = 0;
                    for (int j = 0; j < hidden; j++) {
                        sum += h[e * hidden + j] * weight[k * hidden + j];
                    }
                    gates[e * gateCols + k] = sum;
                }
            }
        }

        @Override
        public void hiddenGrad(double[] dGates, int rows, double[] dh) {
            for (int e = 0; e < rows; e++) {
                for (int k = 0; k < gateCols; k++) {
                    double d = dGates[e * gateCols + k];
                    for (int j = 0; j < hidden; j++) {
                        dh[e * hidden + j] += d * weight[k * hidden + j];
                    }
                }
            }
        }

        @Override
        public void weightGrad(double[] dGates, double[] hPrev, int rows) {
            for (int e = 0; e < rows; e++) {
                for (int k = 0; k < gateCols; k++) {
                    double d = dGates[e * gateCols + k];
                    for (int j = 0; j < hidden; j++) {
                        weightGrad[k * hidden + j] += d * hPrev[e * hidden + j];
                    }
                }
            }
        }
    }

    private static double sigmoid(double x) {
        return (@Round double) (1 / (1 + Math.exp(-x)));
    }

    private static double tanh(double x) {
        return (@Round double) Math.tanh(x);
    }

    /**
     * {@link Backend#recurrentForward} over {@code n} rows of {@code steps} steps, hidden size {@code
     * hidden}; {@code biasHh} may be null. Work arrays: {@code h} ({@code n * H}), {@code gates} ({@code n *
     * G}).
     */
    public static void forward(RecurrentCell cell, double[] proj, double[] biasHh, int[] lengths, boolean reverse,
            int n, int steps, int hidden, double[] out, double[] cache, double[] h, double[] gates, Products products) {
        int g = cell.gates() * hidden;
        int width = cell.cacheWidth(hidden);
        Arrays.fill(h, 0, n * hidden, 0);
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            if (s == 0) {
                Arrays.fill(gates, 0, n * g, 0);
            } else {
                products.hidden(h, n, gates);
            }
            for (int e = 0; e < n; e++) {
                int o = (e * steps + t) * hidden;
                int c = (e * steps + t) * width;
                if (lengths != null && t >= lengths[e]) {
                    Arrays.fill(out, o, o + hidden, 0);
                    Arrays.fill(cache, c, c + width, 0);
                    continue;
                }
                int p = (e * steps + t) * g;
                int q = e * g;
                int r = e * hidden;
                // The cache row of the step before, in the order walked; none at the first.
                int before = s == 0 ? -1 : (e * steps + (reverse ? t + 1 : t - 1)) * width;
                for (int j = 0; j < hidden; j++) {
                    switch (cell) {
                        case RNN_TANH, RNN_RELU -> {
                            double v = proj[p + j] + gates[q + j] + (biasHh == null ? 0 : biasHh[j]);
                            double y = cell == RecurrentCell.RNN_TANH ? tanh(v) : (v > 0 ? v : 0);
                            cache[c + j] = y;
                            cache[c + hidden + j] = y;
                            out[o + j] = y;
                            h[r + j] = y;
                        }
                        case LSTM -> {
                            double i = sigmoid(proj[p + j] + gates[q + j] + (biasHh == null ? 0 : biasHh[j]));
                            int jf = hidden + j;
                            double f = sigmoid(proj[p + jf] + gates[q + jf] + (biasHh == null ? 0 : biasHh[jf]));
                            int jg = 2 * hidden + j;
                            double gg = tanh(proj[p + jg] + gates[q + jg] + (biasHh == null ? 0 : biasHh[jg]));
                            int jo = 3 * hidden + j;
                            double og = sigmoid(proj[p + jo] + gates[q + jo] + (biasHh == null ? 0 : biasHh[jo]));
                            double cellBefore = before < 0 ? 0 : cache[before + 4 * hidden + j];
                            double state = f * cellBefore + i * gg;
                            double y = og * tanh(state);
                            cache[c + j] = i;
                            cache[c + jf] = f;
                            cache[c + jg] = gg;
                            cache[c + jo] = og;
                            cache[c + 4 * hidden + j] = state;
                            out[o + j] = y;
                            h[r + j] = y;
                        }
                        case GRU -> {
                            double rg = sigmoid(proj[p + j] + gates[q + j] + (biasHh == null ? 0 : biasHh[j]));
                            int jz = hidden + j;
                            double z = sigmoid(proj[p + jz] + gates[q + jz] + (biasHh == null ? 0 : biasHh[jz]));
                            int jn = 2 * hidden + j;
                            double hn = gates[q + jn] + (biasHh == null ? 0 : biasHh[jn]);
                            double nn = tanh(proj[p + jn] + rg * hn);
                            double y = (1 - z) * nn + z * h[r + j];
                            cache[c + j] = rg;
                            cache[c + jz] = z;
                            cache[c + jn] = nn;
                            cache[c + 3 * hidden + j] = hn;
                            out[o + j] = y;
                            h[r + j] = y;
                        }
                        default -> throw new IllegalArgumentException(cell.toString());
                    }
                }
            }
        }
    }

    /**
     * {@link Backend#recurrentBackward} over {@code n} rows of {@code steps} steps: writes {@code projGrad}
     * and {@code biasGrad} (null to skip), and adds {@code W_hh}'s gradient through {@link
     * Products#weightGrad} (the caller zeroes it first). Work arrays: {@code dh}, {@code dc}, {@code hPrev}
     * ({@code n * H} each) and {@code dGates} ({@code n * G}).
     */
    public static void backward(RecurrentCell cell, double[] out, double[] cache, double[] outGrad, int[] lengths,
            boolean reverse, int n, int steps, int hidden, double[] projGrad, double[] biasGrad, double[] dh,
            double[] dc, double[] hPrev, double[] dGates, Products products) {
        int g = cell.gates() * hidden;
        int width = cell.cacheWidth(hidden);
        Arrays.fill(dh, 0, n * hidden, 0);
        Arrays.fill(dc, 0, n * hidden, 0);
        if (biasGrad != null) {
            Arrays.fill(biasGrad, 0, g, 0);
        }
        for (int s = steps - 1; s >= 0; s--) {
            int t = reverse ? steps - 1 - s : s;
            int tBefore = reverse ? t + 1 : t - 1;
            for (int e = 0; e < n; e++) {
                int p = (e * steps + t) * g;
                int q = e * g;
                int r = e * hidden;
                if (lengths != null && t >= lengths[e]) {
                    // The state passed through unchanged: dh stays, nothing reaches the gates.
                    Arrays.fill(projGrad, p, p + g, 0);
                    Arrays.fill(dGates, q, q + g, 0);
                    Arrays.fill(hPrev, r, r + hidden, 0);
                    continue;
                }
                int o = (e * steps + t) * hidden;
                int c = (e * steps + t) * width;
                int before = s == 0 ? -1 : (e * steps + tBefore) * width;
                int outBefore = s == 0 ? -1 : (e * steps + tBefore) * hidden;
                for (int j = 0; j < hidden; j++) {
                    double dy = dh[r + j] + outGrad[o + j];
                    double previous = outBefore < 0 ? 0 : out[outBefore + j];
                    hPrev[r + j] = previous;
                    switch (cell) {
                        case RNN_TANH, RNN_RELU -> {
                            double y = cache[c + j];
                            double d = cell == RecurrentCell.RNN_TANH ? dy * (1 - y * y) : (y > 0 ? dy : 0);
                            projGrad[p + j] = d;
                            dGates[q + j] = d;
                            dh[r + j] = 0;
                        }
                        case LSTM -> {
                            int jf = hidden + j;
                            int jg = 2 * hidden + j;
                            int jo = 3 * hidden + j;
                            double i = cache[c + j];
                            double f = cache[c + jf];
                            double gg = cache[c + jg];
                            double og = cache[c + jo];
                            double state = cache[c + 4 * hidden + j];
                            double cellBefore = before < 0 ? 0 : cache[before + 4 * hidden + j];
                            double tc = tanh(state);
                            double dState = dc[r + j] + dy * og * (1 - tc * tc);
                            double di = dState * gg * i * (1 - i);
                            double df = dState * cellBefore * f * (1 - f);
                            double dg = dState * i * (1 - gg * gg);
                            double dout = dy * tc * og * (1 - og);
                            dc[r + j] = dState * f;
                            projGrad[p + j] = di;
                            projGrad[p + jf] = df;
                            projGrad[p + jg] = dg;
                            projGrad[p + jo] = dout;
                            dGates[q + j] = di;
                            dGates[q + jf] = df;
                            dGates[q + jg] = dg;
                            dGates[q + jo] = dout;
                            dh[r + j] = 0;
                        }
                        case GRU -> {
                            int jz = hidden + j;
                            int jn = 2 * hidden + j;
                            double rg = cache[c + j];
                            double z = cache[c + jz];
                            double nn = cache[c + jn];
                            double hn = cache[c + 3 * hidden + j];
                            double dn = dy * (1 - z) * (1 - nn * nn);
                            double dz = dy * (previous - nn) * z * (1 - z);
                            double dr = dn * hn * rg * (1 - rg);
                            projGrad[p + j] = dr;
                            projGrad[p + jz] = dz;
                            projGrad[p + jn] = dn;
                            dGates[q + j] = dr;
                            dGates[q + jz] = dz;
                            dGates[q + jn] = dn * rg;
                            dh[r + j] = dy * z;
                        }
                        default -> throw new IllegalArgumentException(cell.toString());
                    }
                }
            }
            if (biasGrad != null) {
                for (int e = 0; e < n; e++) {
                    for (int k = 0; k < g; k++) {
                        biasGrad[k] += dGates[e * g + k];
                    }
                }
            }
            if (s > 0) {
                products.weightGrad(dGates, hPrev, n);
                products.hiddenGrad(dGates, n, dh);
            }
        }
    }
}
