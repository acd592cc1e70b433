package org.nn4j.nn;

/**
 * How a matrix of a module is laid out as the tensor PyTorch keeps for it in a {@code state_dict}.
 */
public enum TensorLayout {
    /** The same {@code rows x cols} tensor. */
    MATRIX,
    /** The transpose: nn4j keeps a linear layer's weight {@code in x out} for {@code y = x W}, PyTorch {@code [out, in]}. */
    TRANSPOSED,
    /** A {@code 1 x n} matrix is the vector {@code [n]}. */
    VECTOR;

    /** The tensor's shape for {@code rows x cols}. */
    public long[] shape(int rows, int cols) {
        switch (this) {
            case TRANSPOSED:
                return new long[] {cols, rows};
            case VECTOR:
                return new long[] {(long) rows * cols};
            default:
                return new long[] {rows, cols};
        }
    }

    /** The tensor's values (row-major) from the matrix's row-major values. */
    public double[] toTensor(double[] matrix, int rows, int cols) {
        return this == TRANSPOSED ? transpose(matrix, rows, cols) : matrix;
    }

    /** The matrix's row-major values ({@code rows x cols}) from the tensor's. */
    public double[] fromTensor(double[] tensor, int rows, int cols) {
        return this == TRANSPOSED ? transpose(tensor, cols, rows) : tensor;
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
}
