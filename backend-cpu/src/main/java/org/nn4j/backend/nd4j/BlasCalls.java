package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.nn4j.backend.host.WorkerPool;

/**
 * The OpenBLAS calls of {@link HostMemoryOps} on ND4J's host memory: a product, one part of it per
 * task part, and column sums. A part is a band of C's rows (when C is taller than wide) or columns, with
 * the matching band of op(A)'s rows or op(B)'s columns; in row-major memory each band starts at an
 * offset and keeps its matrix's leading dimension, so the parts need no copies. What depends on the
 * dtype is in {@link BlasCalls64} and its generated float32 twin.
 */
abstract class BlasCalls implements WorkerPool.Task {
    boolean transposeA;
    boolean transposeB;
    double alpha;
    double beta;
    Nd4jMatrix a;
    Nd4jMatrix b;
    Nd4jMatrix c;

    /** Sets the product {@code C = alpha op(A) op(B) + beta C} that {@code parts} parts will compute. */
    final void set(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c, int parts) {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.b = b;
        this.c = c;
        // The pointers each part moves about are made here, on one thread.
        for (int part = 0; part < parts; part++) {
            views(part);
        }
    }

    @Override
    public final void run(int part, int parts) {
        int rows = c.rows();
        int cols = c.cols();
        int firstRow = 0;
        int endRow = rows;
        int firstCol = 0;
        int endCol = cols;
        if (rows > cols) {
            firstRow = WorkerPool.from(part, parts, rows);
            endRow = WorkerPool.from(part + 1, parts, rows);
        } else {
            firstCol = WorkerPool.from(part, parts, cols);
            endCol = WorkerPool.from(part + 1, parts, cols);
        }
        if (endRow == firstRow || endCol == firstCol) {
            return;
        }
        // op(A)'s row r starts at A's row r, or (transposed) at A's column r; likewise op(B)'s columns.
        long aOffset = transposeA ? firstRow : (long) firstRow * a.cols();
        long bOffset = transposeB ? (long) firstCol * b.cols() : firstCol;
        long cOffset = (long) firstRow * cols + firstCol;
        int inner = transposeA ? a.rows() : a.cols();
        product(part, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                endRow - firstRow, endCol - firstCol, inner, aOffset, bOffset, cOffset);
    }

    /** Makes the pointers part {@code part} moves about: views {@code 3 part} to {@code 3 part + 2}. */
    abstract void views(int part);

    /** Part {@code part}'s {@code m x n} band of C, over {@code k}, its operands from the offsets given. */
    abstract void product(int part, int opA, int opB, int m, int n, int k, long aOffset, long bOffset, long cOffset);

    /**
     * The column sums as a product with a vector of ones, {@code out = 1^T A}: OpenBLAS reads A where
     * it lies, and vectorises the sums, which a Java loop over a row that may alias its output does not.
     */
    abstract void columnSums(Nd4jMatrix a, Nd4jMatrix out);
}
