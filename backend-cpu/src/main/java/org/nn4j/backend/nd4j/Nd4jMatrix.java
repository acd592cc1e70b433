package org.nn4j.backend.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/** A matrix of an ND4J backend: a 2-D, C-ordered (row-major) {@link INDArray}. */
final class Nd4jMatrix implements Matrix {
    final INDArray array;
    private final int rows;
    private final int cols;
    private final DType dtype;

    Nd4jMatrix(INDArray array, DType dtype) {
        this.array = array;
        this.rows = array.rows();
        this.cols = array.columns();
        this.dtype = dtype;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public String toString() {
        return "Nd4jMatrix(" + dtype + " " + shape() + ")";
    }
}
