package org.nn4j.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.nn4j.api.DType;

/**
 * A float64 matrix of the ejml backend, on EJML's {@code DMatrixRMaj}; {@code EjmlMatrix32}, on {@code
 * FMatrixRMaj}, is generated from this source at build time.
 */
final class EjmlMatrix64 extends EjmlMatrix {
    final DMatrixRMaj matrix;

    EjmlMatrix64(DMatrixRMaj matrix) {
        this.matrix = matrix;
    }

    @Override
    public int rows() {
        return matrix.numRows;
    }

    @Override
    public int cols() {
        return matrix.numCols;
    }

    @Override
    public DType dtype() {
        return DType.FLOAT64;
    }
}
