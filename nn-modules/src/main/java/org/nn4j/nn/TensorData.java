package org.nn4j.nn;

import java.util.Arrays;

/**
 * A tensor's values outside any backend, row-major, in PyTorch's layout: what a {@code state_dict}
 * entry holds.
 */
public record TensorData(long[] shape, double[] values) {

    /** Checks that the values fill the shape. */
    public TensorData {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " holds " + size
                    + " values, not " + values.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
