package org.nn4j.nn;

import java.util.HashMap;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * Work matrices for one purpose, made once per shape and handed out again for the same shape, so that
 * a training loop allocates nothing once it has seen each batch size.
 */
public final class Buffers {
    private final Backend backend;
    private final Map<Long, Matrix> byShape = new HashMap<>();
    private Matrix last;

    /** Work matrices made on {@code backend}. */
    public Buffers(Backend backend) {
        this.backend = backend;
    }

    /** The matrix of this purpose with this shape; its contents are whatever the last user left. */
    public Matrix get(DType dtype, int rows, int cols) {
        if (last == null || last.rows() != rows || last.cols() != cols || last.dtype() != dtype) {
            long key = (((long) rows << 32) | cols) * 2 + dtype.ordinal();
            last = byShape.computeIfAbsent(key, k -> backend.zeros(dtype, rows, cols));
        }
        return last;
    }
}
