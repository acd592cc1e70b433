package org.nn4j.backend.nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/** A matrix of an ND4J backend: a 2-D, C-ordered (row-major) {@link INDArray}. */
final class Nd4jMatrix implements Matrix {
    final INDArray array;
    private final int rows;
    private final int cols;
    private final DType dtype;
    private FloatBuffer floats;
    private DoubleBuffer doubles;

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

    /** The host memory (nd4j-native, float32 only) as a buffer, made once: a view, not a copy. */
    FloatBuffer floats() {
        if (floats == null) {
            floats = new FloatPointer(array.data().addressPointer()).limit(size()).asBuffer();
        }
        return floats;
    }

    /** The host memory (nd4j-native, float64 only) as a buffer, made once: a view, not a copy. */
    DoubleBuffer doubles() {
        if (doubles == null) {
            doubles = new DoublePointer(array.data().addressPointer()).limit(size()).asBuffer();
        }
        return doubles;
    }

    @Override
    public String toString() {
        return "Nd4jMatrix(" + dtype + " " + shape() + ")";
    }
}
