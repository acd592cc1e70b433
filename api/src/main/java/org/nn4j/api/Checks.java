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

    /** The shape of {@link Backend#reshape}: as many values as {@code m}. */
    public static void reshape(Matrix m, int rows, int cols) {
        shape(rows, cols);
        if ((long) rows * cols != m.size()) {
            throw new IllegalArgumentException("reshape: " + m.shape() + " holds " + m.size() + " values, not "
                    + rows + "x" + cols);
        }
    }

    /**
     * The shapes of {@link Backend#gatherRows} and {@link Backend#scatterAddRows}: {@code table} {@code V x
     * E}, {@code rows} {@code m x E} of the same dtype, at least {@code m} ids. The ids' values are the
     * backend's to check, as it reads them.
     */
    public static void rowsById(String op, Matrix table, int[] ids, Matrix rows) {
        sameDType(op, table, rows);
        if (table.cols() != rows.cols() || ids.length < rows.rows()) {
            throw new IllegalArgumentException(op + ": a " + table.shape() + " table and " + rows.shape()
                    + " rows need rows of one width and at least " + rows.rows() + " ids, got " + ids.length);
        }
    }

    /**
     * The shapes of {@link Backend#poolSteps} and {@link Backend#poolStepsBackward}: {@code sequences} {@code n x
     * (steps * F)}, {@code pooled} {@code n x F} of the same dtype, at least {@code n} lengths (or null) and
     * {@code n * F} entries of {@code from} (or null for {@code MEAN}). The lengths' values are the backend's
     * to check.
     */
    public static void poolSteps(String op, StepPooling mode, Matrix sequences, int steps, int[] lengths,
            Matrix pooled, int[] from) {
        sameDType(op, sequences, pooled);
        int n = pooled.rows();
        if (steps < 1 || sequences.rows() != n || (long) steps * pooled.cols() != sequences.cols()
                || lengths != null && lengths.length < n || mode != StepPooling.MEAN
                && (from == null || from.length < (long) n * pooled.cols())) {
            throw new IllegalArgumentException(op + " " + mode + ": " + sequences.shape() + " sequences of " + steps
                    + " steps need " + sequences.rows() + "x" + (sequences.cols() / Math.max(steps, 1))
                    + " pooled values, at least as many lengths and (max, last) step indexes; got " + pooled.shape()
                    + ", " + (lengths == null ? "no" : lengths.length) + " lengths and "
                    + (from == null ? "no" : from.length) + " indexes");
        }
    }

    /**
     * Per-row lengths of a batch of {@code n} sequences of {@code steps} steps, when not null: at least
     * {@code n} of them, each in {@code [0, steps]}.
     */
    public static void lengths(String op, int[] lengths, int n, int steps) {
        if (lengths == null) {
            return;
        }
        if (lengths.length < n) {
            throw new IllegalArgumentException(op + ": " + lengths.length + " lengths for " + n + " rows");
        }
        for (int r = 0; r < n; r++) {
            if (lengths[r] < 0 || lengths[r] > steps) {
                throw lengthOutside(op, lengths[r], r, steps);
            }
        }
    }

    /** The message of a length outside {@code [0, steps]}, at row {@code row}. */
    public static IllegalArgumentException lengthOutside(String op, int length, int row, int steps) {
        return new IllegalArgumentException(op + ": row " + row + " has length " + length + ", outside [0, " + steps
                + "]");
    }

    /** The message of an id outside a table of {@code tableRows} rows, at position {@code position}. */
    public static IllegalArgumentException idOutside(String op, int id, int position, int tableRows) {
        return new IllegalArgumentException(op + ": id " + id + " at position " + position + " is outside [0, "
                + tableRows + ")");
    }

    /** Both matrices have the same dtype. */
    public static void sameDType(String op, Matrix a, Matrix b) {
        dtypes(op, null, a, b);
    }

    /** All three matrices have the dtype of the first. */
    public static void sameDType(String op, Matrix a, Matrix b, Matrix c) {
        dtypes(op, null, a, b);
        dtypes(op, null, a, c);
    }

    /** Both matrices have the same shape and dtype. */
    public static void sameShape(String op, Matrix a, Matrix b) {
        same(op, null, a, b);
    }

    /** All three matrices have the shape and dtype of the first. */
    public static void sameShape(String op, Matrix a, Matrix b, Matrix c) {
        same(op, null, a, b);
        same(op, null, a, c);
    }

    /** All four matrices have the shape and dtype of the first. */
    public static void sameShape(String op, Matrix a, Matrix b, Matrix c, Matrix d) {
        same(op, null, a, b);
        same(op, null, a, c);
        same(op, null, a, d);
    }

    /** The shapes of {@link Backend#activation}. */
    public static void activation(ActivationKind kind, Matrix x, Matrix out) {
        same("activation", kind, x, out);
    }

    /** The shapes of {@link Backend#biasActivation}. */
    public static void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        same("biasActivation", kind, z, out);
        rowOf("biasActivation", kind, z, bias);
        if (out == z) {
            throw new IllegalArgumentException(name("biasActivation", kind)
                    + ": out must not be z, which keeps the pre-activation");
        }
    }

    /** The shapes of {@link Backend#activationBackward}. */
    public static void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        same("activationBackward", kind, x, y);
        same("activationBackward", kind, x, grad);
        same("activationBackward", kind, x, out);
    }

    // The messages are built only when a check fails: these checks run on every call of a training step.

    private static void same(String op, ActivationKind kind, Matrix first, Matrix m) {
        dtypes(op, kind, first, m);
        if (m.rows() != first.rows() || m.cols() != first.cols()) {
            throw new IllegalArgumentException(name(op, kind) + ": shapes differ, " + first.shape() + " and "
                    + m.shape());
        }
    }

    /** {@code row} is a row to add to every row of {@code a}. */
    private static void rowOf(String op, ActivationKind kind, Matrix a, Matrix row) {
        dtypes(op, kind, a, row);
        if (row.rows() != 1 || row.cols() != a.cols()) {
            throw new IllegalArgumentException(name(op, kind) + ": row must be 1x" + a.cols() + " for "
                    + a.shape() + ", not " + row.shape());
        }
    }

    private static void dtypes(String op, ActivationKind kind, Matrix first, Matrix m) {
        if (m.dtype() != first.dtype()) {
            throw new IllegalArgumentException(name(op, kind) + ": cannot mix " + first.dtype() + " and "
                    + m.dtype() + " matrices");
        }
    }

    private static String name(String op, ActivationKind kind) {
        return kind == null ? op : op + " " + kind;
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
        if (ka != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ, " + operand("A", transposeA, m, ka)
                    + " times " + operand("B", transposeB, kb, n));
        }
        if (c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: C is " + c.shape() + " but " + operand("A", transposeA, m, ka)
                    + " times " + operand("B", transposeB, kb, n) + " is " + m + "x" + n);
        }
    }

    private static String operand(String name, boolean transposed, int rows, int cols) {
        return name + (transposed ? "^T" : "") + " (" + rows + "x" + cols + ")";
    }

    /** The shapes of {@link Backend#addRowVector}. */
    public static void addRowVector(Matrix a, Matrix row, Matrix out) {
        same("addRowVector", null, a, out);
        rowOf("addRowVector", null, a, row);
    }

    /** The shapes of {@link Backend#multiplyRowVector}. */
    public static void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        same("multiplyRowVector", null, a, out);
        rowOf("multiplyRowVector", null, a, row);
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

    /**
     * An image operation's shapes: {@code images} has rows of {@code imageSize} values, and {@code
     * other} is {@code otherRows x otherCols}, both of one dtype.
     */
    public static void images(String op, Matrix images, int imageSize, Matrix other, int otherRows, int otherCols) {
        sameDType(op, images, other);
        if (images.cols() != imageSize || other.rows() != otherRows || other.cols() != otherCols) {
            throw new IllegalArgumentException(op + ": images " + images.rows() + "x" + images.cols() + " of "
                    + imageSize + " values each need " + otherRows + "x" + otherCols + ", got " + other.rows() + "x"
                    + other.cols());
        }
    }

    /** Checks the arguments of {@link Backend#transposeBlocks}. */
    public static void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        sameDType("transposeBlocks", a, out);
        long size = (long) blocks * rows * cols;
        if (blocks < 1 || rows < 1 || cols < 1 || a.size() != size || out.size() != size || a == out) {
            throw new IllegalArgumentException("transposeBlocks: " + blocks + " blocks of " + rows + "x" + cols
                    + " need two distinct matrices of " + size + " elements, got " + a.rows() + "x" + a.cols() + " and "
                    + out.rows() + "x" + out.cols());
        }
    }
    /** The shapes of {@link Backend#conv2d}; {@code bias} may be null. */
    public static void conv2d(String op, Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        sameDType(op, x, weight);
        sameDType(op, x, out);
        int outChannels = weight.rows();
        if (x.cols() != w.inputSize() || weight.cols() != w.patchSize() || out.rows() != x.rows()
                || out.cols() != outChannels * w.positions() || out == x) {
            throw new IllegalArgumentException(op + ": images " + x.shape() + " of " + w.inputSize() + " values and a "
                    + "weight of " + w.patchSize() + " columns need " + x.rows() + "x" + outChannels * w.positions()
                    + " outputs other than the images, got weight " + weight.shape() + " and outputs " + out.shape());
        }
        if (bias != null) {
            sameDType(op, x, bias);
            if (bias.rows() != 1 || bias.cols() != outChannels) {
                throw new IllegalArgumentException(op + ": bias must be 1x" + outChannels + ", not " + bias.shape());
            }
        }
    }

    /** The shapes of {@link Backend#conv2dBackward}; {@code biasGrad} and {@code inputGrad} may be null. */
    public static void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad,
            Matrix biasGrad, Matrix inputGrad) {
        conv2d("conv2dBackward", x, w, weight, biasGrad, grad);
        sameShape("conv2dBackward", weight, weightGrad);
        if (inputGrad != null) {
            sameShape("conv2dBackward", x, inputGrad);
        }
    }

    /**
     * The shapes of {@link Backend#recurrentForward} ({@code grads} false: {@code a} is the projections,
     * {@code b} the cache) and of {@link Backend#recurrentBackward} ({@code grads} true, with its gradients);
     * returns the steps {@code T}.
     */
    public static int recurrent(String op, RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh,
            int[] lengths, Matrix out, Matrix cache) {
        int h = weightHh.cols();
        int g = cell.gates() * h;
        int n = out.rows();
        int steps = projections.rows() / n;
        sameDType(op, weightHh, out, cache);
        sameDType(op, weightHh, projections);
        if (weightHh.rows() != g || steps < 1 || projections.rows() != n * steps || projections.cols() != g
                || out.cols() != steps * h && out.cols() != 2 * steps * h || cache.rows() != n * steps
                || cache.cols() != cell.cacheWidth(h) || out == projections || out == cache || cache == projections) {
            throw new IllegalArgumentException(op + " " + cell + ": weight_hh " + weightHh.shape() + " (" + g + "x" + h
                    + " for hidden size " + h + ") and projections " + projections.shape() + " (" + n + " rows of "
                    + steps + " steps, " + g + " columns) need outputs " + n + "x" + (steps * h) + " or " + n + "x"
                    + (2 * steps * h) + " and a cache " + (n * steps) + "x" + cell.cacheWidth(h) + ", all distinct, got "
                    + out.shape() + " and " + cache.shape());
        }
        if (biasHh != null) {
            sameDType(op, weightHh, biasHh);
            if (biasHh.rows() != 1 || biasHh.cols() != g) {
                throw new IllegalArgumentException(op + " " + cell + ": bias_hh must be 1x" + g + ", not "
                        + biasHh.shape());
            }
        }
        lengths(op, lengths, n, steps);
        return steps;
    }

    /** The shapes of {@link Backend#recurrentBackward}; returns the steps {@code T}. */
    public static int recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, Matrix out, Matrix cache,
            Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad) {
        int steps = recurrent("recurrentBackward", cell, projectionsGrad, weightHh, biasHhGrad, lengths, out, cache);
        same("recurrentBackward", null, out, outGrad);
        same("recurrentBackward", null, weightHh, weightHhGrad);
        if (outGrad == projectionsGrad || weightHhGrad == weightHh) {
            throw new IllegalArgumentException("recurrentBackward: the gradients must be matrices of their own");
        }
        return steps;
    }

    /** The shapes of {@link Backend#layerNorm}; {@code weight} and {@code bias} may be null. */
    public static void layerNorm(Matrix x, Matrix weight, Matrix bias, double eps, Matrix out, Matrix mean,
            Matrix rstd) {
        same("layerNorm", null, x, out);
        if (weight != null) {
            rowOf("layerNorm", null, x, weight);
        }
        if (bias != null) {
            rowOf("layerNorm", null, x, bias);
        }
        statistics("layerNorm", x, mean, rstd);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be at least 0, not " + eps);
        }
    }

    /** The shapes of {@link Backend#layerNormBackward}; {@code weight}, {@code weightGrad}, {@code biasGrad} may be null. */
    public static void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd,
            Matrix inputGrad, Matrix weightGrad, Matrix biasGrad) {
        same("layerNormBackward", null, x, grad);
        same("layerNormBackward", null, x, inputGrad);
        statistics("layerNormBackward", x, mean, rstd);
        // No array of the three: these checks run on every call of a training step, which allocates nothing.
        if (weight != null) {
            rowOf("layerNormBackward", null, x, weight);
        }
        if (weightGrad != null) {
            rowOf("layerNormBackward", null, x, weightGrad);
        }
        if (biasGrad != null) {
            rowOf("layerNormBackward", null, x, biasGrad);
        }
        if (inputGrad == x) {
            throw new IllegalArgumentException("layerNormBackward: inputGrad must not be x");
        }
    }

    private static void statistics(String op, Matrix x, Matrix mean, Matrix rstd) {
        column(op, x, mean);
        column(op, x, rstd);
    }

    private static void column(String op, Matrix x, Matrix column) {
        dtypes(op, null, x, column);
        if (column.rows() != x.rows() || column.cols() != 1) {
            throw new IllegalArgumentException(op + ": mean and rstd must be " + x.rows() + "x1 for " + x.shape()
                    + ", not " + column.shape());
        }
    }

    /**
     * The shapes of {@link Backend#attention} ({@code grad} null) and {@link Backend#attentionBackward}:
     * {@code qkv} {@code (n * steps) x 3E}, {@code context} (or {@code grad}) {@code (n * steps) x E},
     * {@code probs} and {@code dropMask} (may be null) {@code (n * heads * steps) x steps}, {@code lengths}
     * null or at least {@code n} lengths in {@code [0, steps]}.
     */
    public static void attention(String op, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix context) {
        sameDType(op, qkv, probs, context);
        if (steps < 1 || heads < 1 || qkv.rows() % steps != 0 || qkv.cols() % (3 * heads) != 0) {
            throw new IllegalArgumentException(op + ": qkv " + qkv.shape() + " is no (n * " + steps + ") x (3 * E)"
                    + " with E a multiple of " + heads + " heads");
        }
        int n = qkv.rows() / steps;
        int width = qkv.cols() / 3;
        if (context.rows() != qkv.rows() || context.cols() != width) {
            throw new IllegalArgumentException(op + ": context must be " + qkv.rows() + "x" + width + " for qkv "
                    + qkv.shape() + ", not " + context.shape());
        }
        if (probs.rows() != n * heads * steps || probs.cols() != steps) {
            throw new IllegalArgumentException(op + ": probs must be " + n * heads * steps + "x" + steps + ", not "
                    + probs.shape());
        }
        if (dropMask != null) {
            same(op, null, probs, dropMask);
        }
        lengths(op, lengths, n, steps);
        if (context == qkv || probs == qkv || probs == context) {
            throw new IllegalArgumentException(op + ": qkv, probs and the output must be distinct matrices");
        }
    }

    /** The shapes of {@link Backend#attentionBackward}: as {@link #attention}'s, {@code qkvGrad} of {@code qkv}'s shape. */
    public static void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths,
            Matrix dropMask, Matrix probs, Matrix qkvGrad) {
        attention("attentionBackward", qkv, steps, heads, lengths, dropMask, probs, grad);
        same("attentionBackward", null, qkv, qkvGrad);
        if (qkvGrad == qkv || qkvGrad == grad || qkvGrad == probs) {
            throw new IllegalArgumentException("attentionBackward: qkvGrad must not be an input");
        }
    }
}
