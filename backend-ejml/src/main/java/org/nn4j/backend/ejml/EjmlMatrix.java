package org.nn4j.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/** A matrix of the ejml backend: exactly one of {@link #f64} and {@link #f32} is set. */
final class EjmlMatrix implements Matrix {
    final DMatrixRMaj f64;
    final FMatrixRMaj f32;

    EjmlMatrix(DMatrixRMaj f64) {
        this.f64 = f64;
        this.f32 = null;
    }

    EjmlMatrix(FMatrixRMaj f32) {
        this.f64 = null;
        this.f32 = f32;
    }

    @Override
    public int rows() {
        return f64 != null ? f64.numRows : f32.numRows;
    }

    @Override
    public int cols() {
        return f64 != null ? f64.numCols : f32.numCols;
    }

    @Override
    public DType dtype() {
        return f64 != null ? DType.FLOAT64 : DType.FLOAT32;
    }

    @Override
    public String toString() {
        return "EjmlMatrix(" + dtype() + " " + shape() + ")";
    }
}
