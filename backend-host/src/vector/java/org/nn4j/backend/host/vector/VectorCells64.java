package org.nn4j.backend.host.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise passes of a recurrent cell's step, for one row, on the JDK's Vector API ({@code
 * jdk.incubator.vector}), float64; {@code VectorCells32} is generated from this source at build time.
 * Each pass does units {@code 0 .. end} of the row, {@code end} a whole number of vectors: {@code
 * org.nn4j.backend.host.RecurrentKernels64} calls them in turn, then does the rest, and everything where the
 * JVM lacks the Vector API, with the same operations in the same order (its {@code exp}, {@code sigmoid} and
 * {@code tanh} are these, lane by lane), so that both give the same bits. Arrays and offsets are its step
 * methods', which say what they hold.
 *
 * <p>The passes are small because C2 (JDK 17) keeps vectors in registers only within its node budget for
 * one compilation: past it, it leaves calls and boxes vectors on the heap, tens of times slower. A loop with
 * an exp and more than a few other operations is already past it, so the kernels call each pass through a
 * method handle C2 does not inline, and no pass chooses between two vectors (a merge boxes them too).
 *
 * <p>Loading this class needs {@code --add-modules jdk.incubator.vector}; the kernels call it only where
 * that module is present.
 */
public final class VectorCells64 {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** The exponent of exp's argument is clamped to +-EXP_LIMIT, where 2^k and exp stay normal in float32 too. */
    private static final double EXP_LIMIT = 87;
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with 16 significant bits, so that k LN2_HI is exact in float32 too. */
    private static final double LN2_HI = 0x1.62e4p-1;
    private static final double LN2_LO = 1.4286068203094173e-06;
    /** 1 / i! for the Taylor polynomial of exp on [-ln2 / 2, ln2 / 2], each from the one before. */
    private static final double[] TAYLOR = new double[13];
    /** Bits below the exponent of the element type (52 or 23). */
    private static final int MANTISSA = Double.SIZE - 2 - Integer.numberOfTrailingZeros(Double.MAX_EXPONENT + 1);
    /**
     * Added to x / ln2, rounds it to a whole k, leaving k plus the exponent's bias in the lowest bits, which
     * shifted up by MANTISSA are 2^k.
     */
    private static final double SHIFT = Math.scalb(1.5, MANTISSA) + Double.MAX_EXPONENT;

    static {
        TAYLOR[0] = 1;
        for (int i = 1; i < TAYLOR.length; i++) {
            TAYLOR[i] = TAYLOR[i - 1] / i;
        }
    }

    // The polynomial's coefficients as constants, exp written without a loop (fewer nodes, no merge).
    private static final double C2 = TAYLOR[2];
    private static final double C3 = TAYLOR[3];
    private static final double C4 = TAYLOR[4];
    private static final double C5 = TAYLOR[5];
    private static final double C6 = TAYLOR[6];
    private static final double C7 = TAYLOR[7];
    private static final double C8 = TAYLOR[8];
    private static final double C9 = TAYLOR[9];
    private static final double C10 = TAYLOR[10];
    private static final double C11 = TAYLOR[11];
    private static final double C12 = TAYLOR[12];
    /** -0: its bits are the sign bit alone. */
    private static final DoubleVector SIGN = DoubleVector.broadcast(S, -0.0);

    private VectorCells64() {
    }

    /** exp, as RecurrentKernels64.exp: k = round(x / ln2), a Taylor polynomial of the rest, times 2^k. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector v = x.max(-EXP_LIMIT).min(EXP_LIMIT);
        DoubleVector t = v.mul(LOG2E).add(SHIFT);
        DoubleVector k = t.sub(SHIFT);
        DoubleVector r = k.lanewise(VectorOperators.FMA, -LN2_LO, k.lanewise(VectorOperators.FMA, -LN2_HI, v));
        DoubleVector p = DoubleVector.broadcast(S, C7);
        // 13 terms in float64, 8 in float32, as org.nn4j.backend.host.Scales says: a constant condition, so
        // javac keeps one form (no merge of vectors).
        if (Double.SIZE > Float.SIZE) {
            p = r.lanewise(VectorOperators.FMA, C12, DoubleVector.broadcast(S, C11));
            p = p.lanewise(VectorOperators.FMA, r, C10);
            p = p.lanewise(VectorOperators.FMA, r, C9);
            p = p.lanewise(VectorOperators.FMA, r, C8);
            p = p.lanewise(VectorOperators.FMA, r, C7);
        }
        p = p.lanewise(VectorOperators.FMA, r, C6);
        p = p.lanewise(VectorOperators.FMA, r, C5);
        p = p.lanewise(VectorOperators.FMA, r, C4);
        p = p.lanewise(VectorOperators.FMA, r, C3);
        p = p.lanewise(VectorOperators.FMA, r, C2);
        p = p.lanewise(VectorOperators.FMA, r, 1);
        p = p.lanewise(VectorOperators.FMA, r, 1);
        return p.mul(t.reinterpretAsLongs().lanewise(VectorOperators.LSHL, MANTISSA).reinterpretAsDoubles());
    }

    static DoubleVector sigmoid(DoubleVector x) {
        return DoubleVector.broadcast(S, 1).div(exp(x.neg()).add(1));
    }

    /** (1 - e) / (1 + e), e = exp(-2|x|), with x's sign (Math.copySign). */
    static DoubleVector tanh(DoubleVector x) {
        DoubleVector e = exp(x.abs().mul(-2));
        DoubleVector t = e.neg().add(1).div(e.add(1));
        return t.reinterpretAsLongs().or(x.reinterpretAsLongs().and(SIGN.reinterpretAsLongs())).reinterpretAsDoubles();
    }

    private static DoubleVector at(double[] a, int i) {
        return DoubleVector.fromArray(S, a, i);
    }

    /** {@code a[i + j] += b[j]} for {@code j < end}: a step's hidden products plus {@code b_hh}. */
    public static void adds(double[] a, int i, double[] b, int end) {
        for (int j = 0; j < end; j += S.length()) {
            at(a, i + j).add(at(b, j)).intoArray(a, i + j);
        }
    }

    /** {@code out[d + j] = sigmoid(a[i + j] + b[k + j])} for units {@code j < end}. */
    public static void sigmoids(double[] a, int i, double[] b, int k, double[] out, int d, int end) {
        for (int j = 0; j < end; j += S.length()) {
            sigmoid(at(a, i + j).add(at(b, k + j))).intoArray(out, d + j);
        }
    }

    /** {@code out[d + j] = tanh(a[i + j] + b[k + j])} for units {@code j < end}. */
    public static void tanhs(double[] a, int i, double[] b, int k, double[] out, int d, int end) {
        for (int j = 0; j < end; j += S.length()) {
            tanh(at(a, i + j).add(at(b, k + j))).intoArray(out, d + j);
        }
    }

    /** {@code out[d + j] = tanh(a[i + j])} for units {@code j < end}. */
    public static void tanhsOf(double[] a, int i, double[] out, int d, int end) {
        for (int j = 0; j < end; j += S.length()) {
            tanh(at(a, i + j)).intoArray(out, d + j);
        }
    }

    /** {@code out[d + j] = relu(a[i + j] + b[k + j])} for units {@code j < end}. */
    public static void relus(double[] a, int i, double[] b, int k, double[] out, int d, int end) {
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector v = at(a, i + j).add(at(b, k + j));
            DoubleVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0)).intoArray(out, d + j);
        }
    }

    /** An RNN's output: its activations, at cache row {@code c}, copied to the cache's second half, out and h. */
    public static void rnnOut(double[] cache, int c, int hidden, double[] out, int o, double[] h, int r, int end) {
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector y = at(cache, c + j);
            y.intoArray(cache, c + hidden + j);
            y.intoArray(out, o + j);
            y.intoArray(h, r + j);
        }
    }

    /** An LSTM's cell state and output, from its gates' activations at cache row {@code c}. */
    public static void lstmCell(double[] cache, int c, double[] cellBefore, int b, int hidden, double[] out, int o,
            double[] h, int r, int end) {
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector state = at(cache, c + hidden + j).mul(at(cellBefore, b + j)).add(at(cache, c + j).mul(at(
                    cache, c + 2 * hidden + j)));
            DoubleVector y = at(cache, c + 3 * hidden + j).mul(tanh(state));
            state.intoArray(cache, c + 4 * hidden + j);
            y.intoArray(out, o + j);
            y.intoArray(h, r + j);
        }
    }

    /** A GRU's candidate n, from its reset gate at cache row {@code c}, and its hidden product kept. */
    public static void gruCandidate(double[] proj, int p, double[] gates, int q, int hidden, double[] cache, int c,
            int end) {
        for (int j = 0; j < end; j += S.length()) {
            int jn = 2 * hidden + j;
            DoubleVector hn = at(gates, q + jn);
            tanh(at(proj, p + jn).add(at(cache, c + j).mul(hn))).intoArray(cache, c + jn);
            hn.intoArray(cache, c + 3 * hidden + j);
        }
    }

    /** A GRU's output {@code (1 - z) n + z h}, from cache row {@code c}. */
    public static void gruOut(int hidden, double[] cache, int c, double[] out, int o, double[] h, int r, int end) {
        for (int j = 0; j < end; j += S.length()) {
            DoubleVector z = at(cache, c + hidden + j);
            DoubleVector y = z.neg().add(1).mul(at(cache, c + 2 * hidden + j)).add(z.mul(at(h, r + j)));
            y.intoArray(out, o + j);
            y.intoArray(h, r + j);
        }
    }

    /** RecurrentKernels64.rnnGrad's units {@code j < end}. */
    public static void rnnGrad(boolean tanh, double[] cache, int c, double[] outGrad, int o, double[] projGrad,
            int p, double[] dGates, int q, double[] dh, int r, int end) {
        for (int j = 0; j < end && tanh; j += S.length()) {
            DoubleVector y = at(cache, c + j);
            rnnGradOut(at(dh, r + j).add(at(outGrad, o + j)).mul(y.mul(y).neg().add(1)), projGrad, p + j, dGates,
                    q + j, dh, r + j);
        }
        for (int j = 0; j < end && !tanh; j += S.length()) {
            rnnGradOut(DoubleVector.zero(S).blend(at(dh, r + j).add(at(outGrad, o + j)), at(cache, c + j).compare(
                    VectorOperators.GT, 0)), projGrad, p + j, dGates, q + j, dh, r + j);
        }
    }

    private static void rnnGradOut(DoubleVector d, double[] projGrad, int p, double[] dGates, int q, double[] dh,
            int r) {
        d.intoArray(projGrad, p);
        d.intoArray(dGates, q);
        DoubleVector.zero(S).intoArray(dh, r);
    }

    /**
     * RecurrentKernels64.lstmGrad's units {@code j < end}, given {@code tanhs[w + j]}, tanh of the cell state
     * ({@link #tanhsOf}, a pass of its own).
     */
    public static void lstmGrad(double[] cache, int c, double[] cellBefore, int b, double[] outGrad, int o,
            int hidden, double[] projGrad, int p, double[] dGates, int q, double[] dh, double[] dc, int r,
            double[] tanhs, int w, int end) {
        for (int j = 0; j < end; j += S.length()) {
            int jf = hidden + j;
            int jg = 2 * hidden + j;
            int jo = 3 * hidden + j;
            DoubleVector dy = at(dh, r + j).add(at(outGrad, o + j));
            DoubleVector i = at(cache, c + j);
            DoubleVector f = at(cache, c + jf);
            DoubleVector gg = at(cache, c + jg);
            DoubleVector og = at(cache, c + jo);
            DoubleVector tc = at(tanhs, w + j);
            DoubleVector dState = at(dc, r + j).add(dy.mul(og).mul(tc.mul(tc).neg().add(1)));
            DoubleVector di = dState.mul(gg).mul(i).mul(i.neg().add(1));
            DoubleVector df = dState.mul(at(cellBefore, b + j)).mul(f).mul(f.neg().add(1));
            DoubleVector dg = dState.mul(i).mul(gg.mul(gg).neg().add(1));
            DoubleVector dout = dy.mul(tc).mul(og).mul(og.neg().add(1));
            dState.mul(f).intoArray(dc, r + j);
            di.intoArray(projGrad, p + j);
            df.intoArray(projGrad, p + jf);
            dg.intoArray(projGrad, p + jg);
            dout.intoArray(projGrad, p + jo);
            di.intoArray(dGates, q + j);
            df.intoArray(dGates, q + jf);
            dg.intoArray(dGates, q + jg);
            dout.intoArray(dGates, q + jo);
            DoubleVector.zero(S).intoArray(dh, r + j);
        }
    }

    /** RecurrentKernels64.gruGrad's units {@code j < end}. */
    public static void gruGrad(double[] cache, int c, double[] hPrev, int previous, double[] outGrad, int o,
            int hidden, double[] projGrad, int p, double[] dGates, int q, double[] dh, int r, int end) {
        for (int j = 0; j < end; j += S.length()) {
            int jz = hidden + j;
            int jn = 2 * hidden + j;
            DoubleVector dy = at(dh, r + j).add(at(outGrad, o + j));
            DoubleVector rg = at(cache, c + j);
            DoubleVector z = at(cache, c + jz);
            DoubleVector nn = at(cache, c + jn);
            DoubleVector hn = at(cache, c + 3 * hidden + j);
            DoubleVector dn = dy.mul(z.neg().add(1)).mul(nn.mul(nn).neg().add(1));
            DoubleVector dz = dy.mul(at(hPrev, previous + j).sub(nn)).mul(z).mul(z.neg().add(1));
            DoubleVector dr = dn.mul(hn).mul(rg).mul(rg.neg().add(1));
            dr.intoArray(projGrad, p + j);
            dz.intoArray(projGrad, p + jz);
            dn.intoArray(projGrad, p + jn);
            dr.intoArray(dGates, q + j);
            dz.intoArray(dGates, q + jz);
            dn.mul(rg).intoArray(dGates, q + jn);
            dy.mul(z).intoArray(dh, r + j);
        }
    }

    /** The units a pass does of {@code hidden}: a whole number of vectors. */
    public static int end(int hidden) {
        return S.loopBound(hidden);
    }
}
