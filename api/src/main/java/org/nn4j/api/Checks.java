package org.nn4j.api;

/**
 * Argument checks that every {@link Backend} makes the same way, so that all backends reject the
 * same calls with the same messages. Each throws {@link IllegalArgumentException} naming the
 * operation and the shapes involved.
 */
public final class Checks {

    private Checks() {
    }

    /** A positive shape for a new matrix. */
    public static void shape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a matrix needs at least one row and one column, not "
                    + rows + "x" + cols);
        }
    }

    /** All matrices have the dtype of the first. */
    public static void sameDType(String op, Matrix... matrices) {
        DType first = matrices[0].dtype();
        for (Matrix m : matrices) {
            if (m.dtype() != first) {
                throw new IllegalArgumentException(op + ": cannot mix " + first + " and " + m.dtype()
                        + " matrices");
            }
        }
    }

    /** All matrices have the shape and dtype of the first. */
    public static void sameShape(String op, Matrix... matrices) {
        sameDType(op, matrices);
        Matrix first = matrices[0];
        for (Matrix m : matrices) {
            if (m.rows() != first.rows() || m.cols() != first.cols()) {
                throw new IllegalArgumentException(op + ": shapes differ, " + first.shape() + " and "
                        + m.shape());
            }
        }
    }

    /** An array that holds exactly the elements of {@code m}. */
    public static void arrayLength(String op, Matrix m, int length) {
        if (length != m.size()) {
            throw new IllegalArgumentException(op + ": array of length " + length + " does not fit a "
                    + m.shape() + " matrix (" + m.size() + " elements)");
        }
    }

    /** The shapes of {@link Backend#gemm}. */
    public static void gemm(boolean transposeA, boolean transposeB, Matrix a, Matrix b, Matrix c) {
        sameDType("gemm", a, b, c);
        if (c == a || c == b) {
            throw new IllegalArgumentException("gemm: C must not be the same matrix as A or B");
        }
        int m = transposeA ? a.cols() : a.rows();
        int ka = transposeA ? a.rows() : a.cols();
        int kb = transposeB ? b.cols() : b.rows();
        int n = transposeB ? b.rows() : b.cols();
        String opA = (transposeA ? "A^T" : "A") + " (" + m + "x" + ka + ")";
        String opB = (transposeB ? "B^T" : "B") + " (" + kb + "x" + n + ")";
        if (ka != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ, " + opA + " times " + opB);
        }
        if (c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: C is " + c.shape() + " but " + opA + " times " + opB
                    + " is " + m + "x" + n);
        }
    }

    /** The shapes of {@link Backend#addRowVector}. */
    public static void addRowVector(Matrix a, Matrix row, Matrix out) {
        sameShape("addRowVector", a, out);
        sameDType("addRowVector", a, row);
        if (row.rows() != 1 || row.cols() != a.cols()) {
            throw new IllegalArgumentException("addRowVector: row must be 1x" + a.cols() + " to add to "
                    + a.shape() + ", not " + row.shape());
        }
    }

    /** The shapes of {@link Backend#columnSums}. */
    public static void columnSums(Matrix a, Matrix out) {
        sameDType("columnSums", a, out);
        if (out.rows() != 1 || out.cols() != a.cols()) {
            throw new IllegalArgumentException("columnSums: out must be 1x" + a.cols() + " for "
                    + a.shape() + ", not " + out.shape());
        }
    }

    /** The shapes of {@link Backend#logSumExpRows}. */
    public static void logSumExpRows(Matrix x, Matrix out) {
        sameDType("logSumExpRows", x, out);
        if (out.rows() != x.rows() || out.cols() != 1) {
            throw new IllegalArgumentException("logSumExpRows: out must be " + x.rows() + "x1 for "
                    + x.shape() + ", not " + out.shape());
        }
    }

    /** The array of {@link Backend#argmaxRows}. */
    public static void argmaxRows(Matrix x, int[] out) {
        if (out.length != x.rows()) {
            throw new IllegalArgumentException("argmaxRows: array of length " + out.length
                    + " does not fit the " + x.rows() + " rows of " + x.shape());
        }
    }
}
