package org.nn4j.backend.ejml.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 matrix products in plain Java on the JDK's Vector API ({@code jdk.incubator.vector}): {@code C =
 * alpha op(A) op(B) + beta C} on row-major arrays with offsets and leading dimensions, as BLAS takes
 * them. The kernel keeps a block of 4 rows by 2 vectors of C in registers and runs along the inner
 * dimension, one broadcast of A's value and one fused multiply-add per vector; B is read by rows, so
 * it is given as a row-major [k x n] panel (the caller lays a transposed B out so first).
 *
 * <p>{@code VectorGemm32}, the float32 kernel, is generated from this source at build time (the Vector
 * API's types force two). Loading either needs {@code --add-modules jdk.incubator.vector}; the ejml
 * backend uses them only where that module is present.
 */
public final class VectorGemm64 {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int ROWS = 4;
    /** Where block4x2's sums start from: see there. */
    private static final double[] ZEROS = new double[S.length()];

    private VectorGemm64() {
    }

    /** The vector shape the kernels use here, for {@code nn backends}: "512-bit" and the like. */
    public static String shape() {
        return S.vectorBitSize() + "-bit";
    }

    /**
     * {@code C = alpha op(A) B + beta C}: C is {@code m x n} at {@code c[cOff]} with leading dimension
     * {@code ldc}; op(A) is {@code m x k} (A itself, or A transposed when {@code tA}); B is {@code k x n}.
     * With {@code beta == 0}, C's old values are not read.
     */
    public static void gemm(boolean tA, int m, int n, int k, double alpha, double[] a, int aOff, int lda, double[] b,
            int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
        // A's value at (i, p) is a[aOff + i * ra + p * rp].
        int ra = tA ? 1 : lda;
        int rp = tA ? lda : 1;
        int width = 2 * S.length();
        int i = 0;
        for (; i + ROWS <= m; i += ROWS) {
            int j = 0;
            for (; j + width <= n; j += width) {
                block4x2(k, alpha, a, aOff + i * ra, ra, rp, b, bOff + j, ldb, beta, c, cOff + i * ldc + j, ldc);
            }
            for (; j < n; j++) {
                for (int r = i; r < i + ROWS; r++) {
                    element(k, alpha, a, aOff + r * ra, rp, b, bOff + j, ldb, beta, c, cOff + r * ldc + j);
                }
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + S.length() <= n; j += S.length()) {
                row1(k, alpha, a, aOff + i * ra, rp, b, bOff + j, ldb, beta, c, cOff + i * ldc + j);
            }
            for (; j < n; j++) {
                element(k, alpha, a, aOff + i * ra, rp, b, bOff + j, ldb, beta, c, cOff + i * ldc + j);
            }
        }
    }

    private static void block4x2(int k, double alpha, double[] a, int a0, int ra, int rp, double[] b, int b0, int ldb,
            double beta, double[] c, int c0, int ldc) {
        int l = S.length();
        // The sums start as zeros loaded from memory, not as DoubleVector.zero(S): started so, JDK 17's
        // JIT compiled this method in about 3 runs in 8 with the stores below left as calls, boxing
        // each sum (768 bytes and 3-4 times the time a block); loaded, in none of 30 (same speed).
        DoubleVector c00 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c01 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c10 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c11 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c20 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c21 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c30 = DoubleVector.fromArray(S, ZEROS, 0);
        DoubleVector c31 = DoubleVector.fromArray(S, ZEROS, 0);
        for (int p = 0; p < k; p++) {
            int bRow = b0 + p * ldb;
            DoubleVector b0v = DoubleVector.fromArray(S, b, bRow);
            DoubleVector b1v = DoubleVector.fromArray(S, b, bRow + l);
            int at = a0 + p * rp;
            DoubleVector x = DoubleVector.broadcast(S, a[at]);
            c00 = b0v.fma(x, c00);
            c01 = b1v.fma(x, c01);
            x = DoubleVector.broadcast(S, a[at + ra]);
            c10 = b0v.fma(x, c10);
            c11 = b1v.fma(x, c11);
            x = DoubleVector.broadcast(S, a[at + 2 * ra]);
            c20 = b0v.fma(x, c20);
            c21 = b1v.fma(x, c21);
            x = DoubleVector.broadcast(S, a[at + 3 * ra]);
            c30 = b0v.fma(x, c30);
            c31 = b1v.fma(x, c31);
        }
        // One store per vector on each branch, nothing reassigned in them: a vector that two paths
        // merge into, or one passed to a method not inlined, is boxed by the JIT (768 bytes a block).
        if (beta == 0) {
            c00.mul(alpha).intoArray(c, c0);
            c01.mul(alpha).intoArray(c, c0 + l);
            c10.mul(alpha).intoArray(c, c0 + ldc);
            c11.mul(alpha).intoArray(c, c0 + ldc + l);
            c20.mul(alpha).intoArray(c, c0 + 2 * ldc);
            c21.mul(alpha).intoArray(c, c0 + 2 * ldc + l);
            c30.mul(alpha).intoArray(c, c0 + 3 * ldc);
            c31.mul(alpha).intoArray(c, c0 + 3 * ldc + l);
        } else {
            DoubleVector betas = DoubleVector.broadcast(S, beta);
            DoubleVector.fromArray(S, c, c0).fma(betas, c00.mul(alpha)).intoArray(c, c0);
            DoubleVector.fromArray(S, c, c0 + l).fma(betas, c01.mul(alpha)).intoArray(c, c0 + l);
            DoubleVector.fromArray(S, c, c0 + ldc).fma(betas, c10.mul(alpha)).intoArray(c, c0 + ldc);
            DoubleVector.fromArray(S, c, c0 + ldc + l).fma(betas, c11.mul(alpha)).intoArray(c, c0 + ldc + l);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc).fma(betas, c20.mul(alpha)).intoArray(c, c0 + 2 * ldc);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + l).fma(betas, c21.mul(alpha)).intoArray(c, c0 + 2 * ldc + l);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc).fma(betas, c30.mul(alpha)).intoArray(c, c0 + 3 * ldc);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + l).fma(betas, c31.mul(alpha)).intoArray(c, c0 + 3 * ldc + l);
        }
    }

    private static void row1(int k, double alpha, double[] a, int a0, int rp, double[] b, int b0, int ldb, double beta,
            double[] c, int c0) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int p = 0; p < k; p++) {
            acc = DoubleVector.fromArray(S, b, b0 + p * ldb).fma(DoubleVector.broadcast(S, a[a0 + p * rp]), acc);
        }
        if (beta == 0) {
            acc.mul(alpha).intoArray(c, c0);
        } else {
            DoubleVector.fromArray(S, c, c0).fma(DoubleVector.broadcast(S, beta), acc.mul(alpha)).intoArray(c, c0);
        }
    }

    private static void element(int k, double alpha, double[] a, int a0, int rp, double[] b, int b0, int ldb,
            double beta, double[] c, int at) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
            sum = Math.fma(a[a0 + p * rp], b[b0 + p * ldb], sum);
        }
        c[at] = beta == 0 ? alpha * sum : alpha * sum + beta * c[at];
    }
}
