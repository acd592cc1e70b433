package org.nn4j.backend.host;

import org.nn4j.api.Backend;
import org.nn4j.codegen.Wide;

/**
 * {@link Backend#layerNorm} and {@link Backend#layerNormBackward} on float64 arrays ({@link
 * SequenceKernels64}), split across a pool's threads when there is enough work: by rows, and the weight's
 * and bias's gradients by columns, each column summed over the rows in order, so that the bits do not depend
 * on the number of threads. {@code LayerNormSplit32} is generated from this source at build time. One
 * reusable task; not thread-safe: its backend holds its lock.
 */
public final class LayerNormSplit64 implements WorkerPool.Task {
    /** Fewer values run on the calling thread: a split costs microseconds. */
    private static final long SPLIT_VALUES = 1 << 14;
    private static final int FORWARD = 0;
    private static final int INPUT_GRAD = 1;
    private static final int SUMS = 2;

    private final WorkerPool pool;
    private int mode;
    private double[] x;
    private double[] weight;
    private double[] bias;
    private @Wide double eps;
    private double[] out;
    private double[] mean;
    private double[] rstd;
    private double[] grad;
    private @Wide double[] weightSums;
    private @Wide double[] biasSums;
    private int rows;
    private int cols;

    /** On the calling thread and {@code pool}'s (null: the calling thread alone). */
    public LayerNormSplit64(WorkerPool pool) {
        this.pool = pool;
    }

    /** {@link SequenceKernels64#layerNorm} on all {@code rows}. */
    public void forward(double[] x, double[] weight, double[] bias, @Wide double eps, int rows, int cols,
            double[] out, double[] mean, double[] rstd) {
        this.x = x;
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
        this.out = out;
        this.mean = mean;
        this.rstd = rstd;
        run(FORWARD, rows, cols);
    }

    /**
     * {@link SequenceKernels64#layerNormBackward} on all {@code rows}: the sums (either may be null) first,
     * as {@code inputGrad} may be {@code grad}.
     */
    public void backward(double[] grad, double[] x, double[] weight, double[] mean, double[] rstd, int rows, int cols,
            double[] inputGrad, @Wide double[] weightSums, @Wide double[] biasSums) {
        this.grad = grad;
        this.x = x;
        this.weight = weight;
        this.mean = mean;
        this.rstd = rstd;
        this.out = inputGrad;
        this.weightSums = weightSums;
        this.biasSums = biasSums;
        if (weightSums != null || biasSums != null) {
            run(SUMS, rows, cols);
        }
        run(INPUT_GRAD, rows, cols);
    }

    private void run(int mode, int rows, int cols) {
        this.mode = mode;
        this.rows = rows;
        this.cols = cols;
        try {
            if (pool == null || pool.parts() < 2 || (long) rows * cols < SPLIT_VALUES) {
                run(0, 1);
            } else {
                pool.run(this);
            }
        } finally {
            if (mode != SUMS) {
                x = weight = bias = out = mean = rstd = grad = null;
                weightSums = biasSums = null;
            }
        }
    }

    /** Part {@code part} of {@code parts}: its share of the rows, or of the columns for the sums. */
    @Override
    public void run(int part, int parts) {
        int count = mode == SUMS ? cols : rows;
        int from = WorkerPool.from(part, parts, count);
        int to = WorkerPool.from(part + 1, parts, count);
        if (mode == FORWARD) {
            SequenceKernels64.layerNorm(x, weight, bias, eps, from, to, cols, out, mean, rstd);
        } else if (mode == INPUT_GRAD) {
            SequenceKernels64.layerNormBackward(grad, x, weight, mean, rstd, from, to, cols, out);
        } else {
            SequenceKernels64.layerNormSums(grad, x, mean, rstd, rows, cols, from, to, weightSums, biasSums);
        }
    }
}
