package org.nn4j.backend.host;

import java.util.Arrays;
import org.nn4j.api.Backend;
import org.nn4j.api.RecurrentCell;

/**
 * {@link Backend#recurrentForward} and {@link Backend#recurrentBackward} as loops over row-major float64
 * host arrays; {@code RecurrentKernels32} is the same on float32 arrays, generated from this source at
 * build time. A row's steps depend on that row alone, so the rows are split into bands across a {@link
 * WorkerPool} once per pass, and each band walks every step on its own thread, with no hand-over between
 * steps: a step's product with {@code W_hh} for the band's rows on the backend's own single-threaded kernel
 * ({@link Products}), then the cell's element-wise work for those rows. Arrays are as the SPI lays them out:
 * projections {@code (n * T) x G} (row {@code e * T + t}), outputs {@code n x (T * H)}, the cache {@code (n *
 * T) x cacheWidth(H)}. Work arrays are the caller's, so that a backend allocates nothing once warm. One
 * object per backend and dtype, used by one thread at a time (the backend's lock).
 *
 * <p>Each row's pass runs on the Vector API ({@link CellPasses64}) where the JVM was started with {@code
 * --add-modules jdk.incubator.vector} (./nn does so), the units a whole vector does not cover here; without
 * it, all here. Both give the same bits: the same operations in the same order, and
 * {@link #exp} of plain arithmetic rather than {@code Math.exp} (whose bits the Vector API's would not
 * match), within 2 ulps of it.
 */
public final class RecurrentKernels64 implements WorkerPool.Task {
    /** A pass over fewer values (rows times steps times gates) runs on the calling thread. */
    private static final int SPLIT_VALUES = 1 << 13;
    /** exp's argument is clamped to +-EXP_LIMIT, where 2^k and exp stay normal in float32 too. */
    private static final double EXP_LIMIT = 87;
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with 16 significant bits, so that k LN2_HI is exact in float32 too. */
    private static final double LN2_HI = 0x1.62e4p-1;
    private static final double LN2_LO = 1.4286068203094173e-06;
    /** Added to x / ln2, rounds it to a whole k (VectorCells64 takes 2^k from its bits). */
    private static final double SHIFT = Math.scalb(1.5, Double.SIZE - 2 - Integer.numberOfTrailingZeros(
            Double.MAX_EXPONENT + 1)) + Double.MAX_EXPONENT;
    /** 1 / i! for the Taylor polynomial of exp on [-ln2 / 2, ln2 / 2], each from the one before. */
    private static final double[] TAYLOR = new double[Scales.EXP_TERMS_FLOAT64];

    static {
        TAYLOR[0] = 1;
        for (int i = 1; i < TAYLOR.length; i++) {
            TAYLOR[i] = TAYLOR[i - 1] / i;
        }
    }

    private final WorkerPool pool;
    /** The Vector API's passes; null without. */
    private final CellPasses64 passes;
    // The call under way, for the bands of its rows.
    private boolean backwardPass;
    private Products products;
    private RecurrentCell cell;
    private double[] proj;
    private double[] out;
    private double[] cache;
    private double[] outGrad;
    private double[] h;
    private double[] dc;
    private double[] gates;
    private double[] hPrevAll;
    /** {@code b_hh} in a forward pass. */
    private double[] bias;
    /** A backward pass's hidden products' gradients at every step, when they differ from the projections'. */
    private double[] gatesAll;
    private int[] lengths;
    private boolean reverse;
    private int n;
    private int steps;
    private int hidden;
    /** Values per step of a row of the outputs ({@code D * H}), and where this direction's {@code H} start. */
    private int stride;
    private int offset;
    /** {@link #hidden} zeros: the cell state before the first step. */
    private double[] zeros = new double[0];
    /** The Vector API's LSTM gradient's work: a row's tanh of the cell state, {@code n * H}. */
    private double[] tanhs = new double[0];

    /** The kernels, splitting the rows across {@code pool} (null: on the calling thread). */
    public RecurrentKernels64(WorkerPool pool) {
        this(pool, true);
    }

    /** The kernels, on the Vector API when {@code vector} (and this JVM has it). */
    RecurrentKernels64(WorkerPool pool, boolean vector) {
        this.pool = pool;
        this.passes = vector && CellPasses64.AVAILABLE ? new CellPasses64() : null;
    }

    /** Whether the rows' passes run on the Vector API. */
    boolean onVectors() {
        return passes != null;
    }

    /**
     * A step's products with {@code W_hh} ({@code G x H}) for rows {@code from .. to} of a band, on the backend's
     * own single-threaded kernel: called by part {@code part} of the pool's, while other parts do other rows.
     */
    public interface Products {
        /** {@code gates = h W_hh^T} on rows {@code from .. to}: {@code h} is {@code n x H}, {@code gates} {@code n x G}. */
        void hidden(int part, double[] h, int from, int to, double[] gates);

        /** {@code dh += dGates W_hh} on rows {@code from .. to}: {@code dGates} is {@code n x G}, {@code dh} {@code n x H}. */
        void hiddenGrad(int part, double[] dGates, int from, int to, double[] dh);
    }

    /** Products on plain loops over {@code W_hh}, for a backend without a kernel of its own. */
    public static final class PlainProducts implements Products {
        private double[] weight;
        private int gateCols;
        private int hidden;

        /** Sets {@code W_hh} ({@code g x h}). */
        public PlainProducts set(double[] weight, int g, int h) {
            this.weight = weight;
            this.gateCols = g;
            this.hidden = h;
            return this;
        }

        @Override
        public void hidden(int part, double[] h, int from, int to, double[] gates) {
            for (int e = from; e < to; e++) {
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
        public void hiddenGrad(int part, double[] dGates, int from, int to, double[] dh) {
            for (int e = from; e < to; e++) {
                for (int k = 0; k < gateCols; k++) {
                    double d = dGates[e * gateCols + k];
                    for (int j = 0; j < hidden; j++) {
                        dh[e * hidden + j] += d * weight[k * hidden + j];
                    }
                }
            }
        }

        /**
         * {@code W_hh}'s gradient {@code dGates^T hPrev} over {@code rows} rows of {@code dGates} ({@code rows x
         * g}) and {@code hPrev} ({@code rows x h}) into {@code weightGrad} ({@code g x h}, overwritten), and {@code
         * b_hh}'s, {@code dGates}' column sums, into {@code biasGrad} unless it is null.
         */
        public static void parameterGrads(double[] dGates, double[] hPrev, int rows, int g, int h,
                double[] weightGrad, double[] biasGrad) {
            Arrays.fill(weightGrad, 0, g * h, 0);
            if (biasGrad != null) {
                Arrays.fill(biasGrad, 0, g, 0);
            }
            for (int e = 0; e < rows; e++) {
                for (int k = 0; k < g; k++) {
                    double d = dGates[e * g + k];
                    for (int j = 0; j < h; j++) {
                        weightGrad[k * h + j] += d * hPrev[e * h + j];
                    }
                    if (biasGrad != null) {
                        biasGrad[k] += d;
                    }
                }
            }
        }
    }

    /**
     * exp of {@code x} clamped to +-87 (so exp(-x) for x beyond 87 is e^-87, not less: sigmoid is off by at most
     * 2e-38 there): {@code k = round(x / ln2)}, a Taylor polynomial of the rest, times {@code 2^k}.
     */
    static double exp(double x) {
        double v = Math.min(EXP_LIMIT, Math.max(-EXP_LIMIT, x));
        double k = v * LOG2E + SHIFT - SHIFT;
        double r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, v));
        double p = TAYLOR[TAYLOR.length - 1];
        for (int i = TAYLOR.length - 2; i >= 0; i--) {
            p = Math.fma(p, r, TAYLOR[i]);
        }
        return Math.scalb(p, (int) k);
    }

    static double sigmoid(double x) {
        return 1 / (exp(-x) + 1);
    }

    /**
     * tanh as {@code (1 - e) / (1 + e)} with {@code e = exp(-2|x|)}, the sign of {@code x}: within 2e-16 of it
     * absolutely (relatively, 2e-16 / |x| near zero).
     */
    static double tanh(double x) {
        double e = exp(Math.abs(x) * -2);
        return Math.copySign((-e + 1) / (e + 1), x);
    }

    /**
     * {@link Backend#recurrentForward} over {@code n} rows of {@code steps} steps, hidden size {@code
     * hidden}, into outputs of {@code directions} (1 or 2) directions ({@code n x (T * directions * H)}: with
     * two, this direction's half of each step, the second for {@code reverse}); {@code biasHh} may be null. Work arrays: {@code h} ({@code n * H}), {@code gates} ({@code n *
     * G}).
     */
    public void forward(RecurrentCell cell, double[] proj, double[] biasHh, int[] lengths, boolean reverse,
            int n, int steps, int hidden, int directions, double[] out, double[] cache, double[] h, double[] gates,
            Products products) {
        set(false, cell, lengths, reverse, n, steps, hidden, directions);
        this.proj = proj;
        this.out = out;
        this.cache = cache;
        this.h = h;
        this.gates = gates;
        this.bias = biasHh;
        this.products = products;
        bands();
        release();
    }

    private void set(boolean backwardPass, RecurrentCell cell, int[] lengths, boolean reverse, int n, int steps,
            int hidden, int directions) {
        this.stride = directions * hidden;
        this.offset = directions == 2 && reverse ? hidden : 0;
        this.backwardPass = backwardPass;
        this.cell = cell;
        this.lengths = lengths;
        this.reverse = reverse;
        this.n = n;
        this.steps = steps;
        this.hidden = hidden;
        if (zeros.length < hidden) {
            zeros = new double[hidden];
        }
        if (backwardPass && passes != null && tanhs.length < n * hidden) {
            tanhs = new double[n * hidden];
        }
    }

    /** Drops the call's arrays, so that this object holds none of them between calls. */
    private void release() {
        proj = out = cache = outGrad = h = dc = gates = hPrevAll = bias = gatesAll = null;
        lengths = null;
        products = null;
    }

    /** The pass over every row: split into bands across the pool when large enough. */
    private void bands() {
        if (pool == null || pool.parts() < 2 || n < 2 || (long) n * steps * cell.gates() * hidden < SPLIT_VALUES) {
            run(0, 1);
        } else {
            pool.run(this);
        }
    }

    /** Part {@code part} of {@code parts}: the pass over its band of rows, every step. */
    @Override
    public void run(int part, int parts) {
        int from = WorkerPool.from(part, parts, n);
        int to = WorkerPool.from(part + 1, parts, n);
        if (from == to) {
            return;
        }
        int g = cell.gates() * hidden;
        Arrays.fill(h, from * hidden, to * hidden, 0);
        if (backwardPass) {
            Arrays.fill(dc, from * hidden, to * hidden, 0);
            for (int s = steps - 1; s >= 0; s--) {
                backwardRows(from, to, s);
                if (s > 0) {
                    products.hiddenGrad(part, gates, from, to, h);
                }
            }
            return;
        }
        for (int s = 0; s < steps; s++) {
            if (s == 0) {
                Arrays.fill(gates, from * g, to * g, 0);
            } else {
                products.hidden(part, h, from, to, gates);
            }
            forwardRows(from, to, s);
        }
    }

    /** Step {@code s} (in the order walked) of rows {@code from .. to}. */
    private void forwardRows(int from, int to, int s) {
        int g = cell.gates() * hidden;
        int width = cell.cacheWidth(hidden);
        int t = reverse ? steps - 1 - s : s;
        for (int e = from; e < to; e++) {
            int o = (e * steps + t) * stride + offset;
            int c = (e * steps + t) * width;
            if (lengths != null && t >= lengths[e]) {
                Arrays.fill(out, o, o + hidden, 0);
                Arrays.fill(cache, c, c + width, 0);
                continue;
            }
            int p = (e * steps + t) * g;
            // The cell state of the step before, in the order walked; zeros at the first.
            double[] cellBefore = s == 0 ? zeros : cache;
            int b = s == 0 ? 0 : (e * steps + (reverse ? t + 1 : t - 1)) * width + 4 * hidden;
            int q = e * g;
            int r = e * hidden;
            if (bias != null) {
                for (int k = passes == null ? 0 : passes.adds(gates, q, bias, g); k < g; k++) {
                    gates[q + k] += bias[k];
                }
            }
            int j = passes == null ? 0 : passes.forward(cell, proj, p, gates, q, hidden, out, o, cache, c, cellBefore,
                    b, h, r);
            switch (cell) {
                case RNN_TANH, RNN_RELU -> rnnStep(j, cell == RecurrentCell.RNN_TANH, proj, p, gates, q, hidden, out, o,
                        cache, c, h, r);
                case LSTM -> lstmStep(j, proj, p, gates, q, hidden, out, o, cache, c, cellBefore, b, h, r);
                case GRU -> gruStep(j, proj, p, gates, q, hidden, out, o, cache, c, h, r);
                default -> throw new IllegalArgumentException(cell.toString());
            }
        }
    }

    // The steps' passes over units from .. hidden of a row (the Vector API's kernel did those before).

    private static void rnnStep(int from, boolean tanh, double[] proj, int p, double[] gates, int q, int hidden,
            double[] out, int o, double[] cache, int c, double[] h, int r) {
        for (int j = from; j < hidden; j++) {
            double v = proj[p + j] + gates[q + j];
            double y = tanh ? tanh(v) : (v > 0 ? v : 0);
            cache[c + j] = y;
            cache[c + hidden + j] = y;
            out[o + j] = y;
            h[r + j] = y;
        }
    }

    private static void lstmStep(int from, double[] proj, int p, double[] gates, int q, int hidden, double[] out,
            int o, double[] cache, int c, double[] cellBefore, int b, double[] h, int r) {
        for (int j = from; j < hidden; j++) {
            int jf = hidden + j;
            int jg = 2 * hidden + j;
            int jo = 3 * hidden + j;
            double i = sigmoid(proj[p + j] + gates[q + j]);
            double f = sigmoid(proj[p + jf] + gates[q + jf]);
            double gg = tanh(proj[p + jg] + gates[q + jg]);
            double og = sigmoid(proj[p + jo] + gates[q + jo]);
            double state = f * cellBefore[b + j] + i * gg;
            double y = og * tanh(state);
            cache[c + j] = i;
            cache[c + jf] = f;
            cache[c + jg] = gg;
            cache[c + jo] = og;
            cache[c + 4 * hidden + j] = state;
            out[o + j] = y;
            h[r + j] = y;
        }
    }

    private static void gruStep(int from, double[] proj, int p, double[] gates, int q, int hidden, double[] out,
            int o, double[] cache, int c, double[] h, int r) {
        for (int j = from; j < hidden; j++) {
            int jz = hidden + j;
            int jn = 2 * hidden + j;
            double rg = sigmoid(proj[p + j] + gates[q + j]);
            double z = sigmoid(proj[p + jz] + gates[q + jz]);
            double hn = gates[q + jn];
            double nn = tanh(proj[p + jn] + rg * hn);
            double y = (1 - z) * nn + z * h[r + j];
            cache[c + j] = rg;
            cache[c + jz] = z;
            cache[c + jn] = nn;
            cache[c + 3 * hidden + j] = hn;
            out[o + j] = y;
            h[r + j] = y;
        }
    }

    /**
     * {@link Backend#recurrentBackward} over {@code n} rows of {@code steps} steps, outputs and their gradients
     * laid out as {@link #forward}'s: writes {@code projGrad}, each step's previous state into {@code hPrevAll}
     * ({@code (n * T) x H}, row {@code e * T + t} as the projections), and, unless {@link
     * RecurrentCell#addsHiddenToProjections}, the hidden products' gradients into {@code dGatesAll} (laid out as {@code
     * projGrad}; else it may be null): {@code W_hh}'s gradient is {@code dGatesAll^T hPrevAll}, {@code b_hh}'s
     * the column sums of {@code dGatesAll}, which the caller computes on its own kernels (see {@link
     * PlainProducts#parameterGrads}). Work arrays: {@code dh} and {@code dc} ({@code n * H} each), {@code dGates}
     * ({@code n * G}: a step's gradients of the hidden products).
     */
    public void backward(RecurrentCell cell, double[] out, double[] cache, double[] outGrad, int[] lengths,
            boolean reverse, int n, int steps, int hidden, int directions, double[] projGrad, double[] dh,
            double[] dc, double[] dGates, double[] dGatesAll, double[] hPrevAll, Products products) {
        set(true, cell, lengths, reverse, n, steps, hidden, directions);
        this.out = out;
        this.cache = cache;
        this.outGrad = outGrad;
        this.proj = projGrad;
        this.h = dh;
        this.dc = dc;
        this.gates = dGates;
        this.gatesAll = cell.addsHiddenToProjections() ? null : dGatesAll;
        this.hPrevAll = hPrevAll;
        this.products = products;
        bands();
        release();
    }

    /** Step {@code s} (in the order walked, from the last) of rows {@code from .. to}. */
    private void backwardRows(int from, int to, int s) {
        int g = cell.gates() * hidden;
        int width = cell.cacheWidth(hidden);
        int t = reverse ? steps - 1 - s : s;
        int tBefore = reverse ? t + 1 : t - 1;
        double[] projGrad = proj;
        double[] dh = h;
        double[] dGates = gates;
        for (int e = from; e < to; e++) {
            int p = (e * steps + t) * g;
            int q = e * g;
            int r = e * hidden;
            int previous = (e * steps + t) * hidden;
            if (lengths != null && t >= lengths[e]) {
                // The state passed through unchanged: dh stays, nothing reaches the gates.
                Arrays.fill(projGrad, p, p + g, 0);
                Arrays.fill(dGates, q, q + g, 0);
                Arrays.fill(hPrevAll, previous, previous + hidden, 0);
                if (gatesAll != null) {
                    Arrays.fill(gatesAll, p, p + g, 0);
                }
                continue;
            }
            int o = (e * steps + t) * stride + offset;
            int c = (e * steps + t) * width;
            double[] cellBefore = s == 0 ? zeros : cache;
            int b = s == 0 ? 0 : (e * steps + tBefore) * width + 4 * hidden;
            int outBefore = s == 0 ? -1 : (e * steps + tBefore) * stride + offset;
            if (outBefore < 0) {
                Arrays.fill(hPrevAll, previous, previous + hidden, 0);
            } else {
                System.arraycopy(out, outBefore, hPrevAll, previous, hidden);
            }
            int j = passes == null ? 0 : passes.backward(cell, cache, c, cellBefore, b, hPrevAll, previous, outGrad, o,
                    hidden, projGrad, p, dGates, q, dh, dc, r, tanhs);
            switch (cell) {
                case RNN_TANH, RNN_RELU -> rnnGrad(j, cell == RecurrentCell.RNN_TANH, cache, c, outGrad, o, hidden,
                        projGrad, p, dGates, q, dh, r);
                case LSTM -> lstmGrad(j, cache, c, cellBefore, b, outGrad, o, hidden, projGrad, p, dGates, q, dh, dc, r);
                case GRU -> gruGrad(j, cache, c, hPrevAll, previous, outGrad, o, hidden, projGrad, p, dGates, q, dh, r);
                default -> throw new IllegalArgumentException(cell.toString());
            }
            if (gatesAll != null) {
                System.arraycopy(dGates, q, gatesAll, p, g);
            }
        }
    }

    private static void rnnGrad(int from, boolean tanh, double[] cache, int c, double[] outGrad, int o, int hidden,
            double[] projGrad, int p, double[] dGates, int q, double[] dh, int r) {
        for (int j = from; j < hidden; j++) {
            double dy = dh[r + j] + outGrad[o + j];
            double y = cache[c + j];
            double d = tanh ? dy * (1 - y * y) : (y > 0 ? dy : 0);
            projGrad[p + j] = d;
            dGates[q + j] = d;
            dh[r + j] = 0;
        }
    }

    private static void lstmGrad(int from, double[] cache, int c, double[] cellBefore, int b, double[] outGrad, int o,
            int hidden, double[] projGrad, int p, double[] dGates, int q, double[] dh, double[] dc, int r) {
        for (int j = from; j < hidden; j++) {
            int jf = hidden + j;
            int jg = 2 * hidden + j;
            int jo = 3 * hidden + j;
            double dy = dh[r + j] + outGrad[o + j];
            double i = cache[c + j];
            double f = cache[c + jf];
            double gg = cache[c + jg];
            double og = cache[c + jo];
            double tc = tanh(cache[c + 4 * hidden + j]);
            double dState = dc[r + j] + dy * og * (1 - tc * tc);
            double di = dState * gg * i * (1 - i);
            double df = dState * cellBefore[b + j] * f * (1 - f);
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
    }

    private static void gruGrad(int from, double[] cache, int c, double[] hPrev, int previous, double[] outGrad,
            int o, int hidden, double[] projGrad, int p, double[] dGates, int q, double[] dh, int r) {
        for (int j = from; j < hidden; j++) {
            int jz = hidden + j;
            int jn = 2 * hidden + j;
            double dy = dh[r + j] + outGrad[o + j];
            double rg = cache[c + j];
            double z = cache[c + jz];
            double nn = cache[c + jn];
            double hn = cache[c + 3 * hidden + j];
            double dn = dy * (1 - z) * (1 - nn * nn);
            double dz = dy * (hPrev[previous + j] - nn) * z * (1 - z);
            double dr = dn * hn * rg * (1 - rg);
            projGrad[p + j] = dr;
            projGrad[p + jz] = dz;
            projGrad[p + jn] = dn;
            dGates[q + j] = dr;
            dGates[q + jz] = dz;
            dGates[q + jn] = dn * rg;
            dh[r + j] = dy * z;
        }
    }
}
