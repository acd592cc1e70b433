package org.nn4j.nn;

import java.util.Arrays;
import java.util.List;

/**
 * The shape of one example, without the batch: {@code [features]}; a sequence {@code [steps, features]}
 * ({@code [T, F]}, batch first as PyTorch's {@code batch_first=True}: step after step, each step's
 * features together); or an image {@code [channels, height, width]}. A batch of {@code n} examples is
 * an {@code n x size()} matrix, each row the example's values flattened in PyTorch's (row-major) order;
 * a layer that acts on each step sees it as {@code (n * T) x F} ({@link org.nn4j.api.Backend#reshape}).
 * A model whose first layer is an {@code embedding} takes {@code [T]} token ids.
 */
public record Shape(List<Integer> dims) {

    /** Checks that every size is positive, and keeps a copy. */
    public Shape {
        dims = List.copyOf(dims);
        if (dims.isEmpty()) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("every dimension of a shape must be at least 1, not " + dims);
            }
        }
    }

    /** The shape of {@code dims}, outermost first. */
    public static Shape of(int... dims) {
        return new Shape(Arrays.stream(dims).boxed().toList());
    }

    /** The number of values in one example: the product of the dimensions. */
    public int size() {
        long size = 1;
        for (int d : dims) {
            size *= d;
            if (size > Integer.MAX_VALUE) {
                break;
            }
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the shape " + this + " holds more than 2^31 values");
        }
        return (int) size;
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.size();
    }

    @Override
    public String toString() {
        return dims.toString();
    }
}
