package org.nn4j.nn;

import java.util.Arrays;

/**
 * How a matrix of a module is laid out as the tensor PyTorch keeps for it in a {@code state_dict}.
 */
public final class TensorLayout {
    /** The same {@code rows x cols} tensor. */
    public static final TensorLayout MATRIX = new TensorLayout("matrix", null, false);
    /** The transpose: nn4j keeps a linear layer's weight {@code in x out} for {@code y = x W}, PyTorch {@code [out, in]}. */
    public static final TensorLayout TRANSPOSED = new TensorLayout("transposed", null, true);
    /** A {@code 1 x n} matrix is the vector {@code [n]}. */
    public static final TensorLayout VECTOR = new TensorLayout("vector", null, false);

    private final String name;
    private final long[] dims;
    private final boolean transposed;

    private TensorLayout(String name, long[] dims, boolean transposed) {
        this.name = name;
        this.dims = dims;
        this.transposed = transposed;
    }

    /**
     * The matrix's row-major values as a tensor of shape {@code dims}: a convolution's {@code out x
     * (in * kh * kw)} weight is PyTorch's {@code [out, in, kh, kw]}.
     */
    public static TensorLayout reshaped(long... dims) {
        return new TensorLayout("reshaped", dims.clone(), false);
    }

    /** The tensor's shape for {@code rows x cols}. */
    public long[] shape(int rows, int cols) {
        if (dims != null) {
            long size = 1;
            for (long d : dims) {
                size *= d;
            }
            if (size != (long) rows * cols) {
                throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix is no tensor of shape "
                        + Arrays.toString(dims));
            }
            return dims.clone();
        }
        if (transposed) {
            return new long[] {cols, rows};
        }
        return this == VECTOR ? new long[] {(long) rows * cols} : new long[] {rows, cols};
    }

    /** The tensor's values (row-major) from the matrix's row-major values. */
    public double[] toTensor(double[] matrix, int rows, int cols) {
        return transposed ? transpose(matrix, rows, cols) : matrix;
    }

    /** The matrix's row-major values ({@code rows x cols}) from the tensor's. */
    public double[] fromTensor(double[] tensor, int rows, int cols) {
        return transposed ? transpose(tensor, cols, rows) : tensor;
    }

    private static double[] transpose(double[] values, int rows, int cols) {
        double[] out = new double[values.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = values[i * cols + j];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return dims == null ? name : name + Arrays.toString(dims);
    }
}
