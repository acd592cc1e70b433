package org.nn4j.backend.ejml;

import org.nn4j.api.Matrix;

/**
 * A matrix of the ejml backend, of one dtype: {@link EjmlMatrix64} on EJML's {@code DMatrixRMaj}, or its
 * float32 twin {@code EjmlMatrix32} on {@code FMatrixRMaj}, generated from it at build time.
 */
abstract class EjmlMatrix implements Matrix {

    /** {@code m} as a matrix of this backend. */
    static EjmlMatrix own(Matrix m) {
        if (m instanceof EjmlMatrix) {
            return (EjmlMatrix) m;
        }
        throw new IllegalArgumentException("the ejml backend cannot use a matrix of another backend: " + m);
    }

    @Override
    public String toString() {
        return "EjmlMatrix(" + dtype() + " " + shape() + ")";
    }
}
