package org.nn4j.backend.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
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
    private ByteBuffer bytes;
    private FloatPointer[] floatViews = new FloatPointer[0];
    private DoublePointer[] doubleViews = new DoublePointer[0];
    /**
     * The host path's own copy of a recurrence cache this matrix stands for ({@code double[]} or {@code
     * float[]}): kept here between recurrentForward and recurrentBackward instead of in nd4j-native's memory.
     */
    Object recurrenceCache;

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

    /** The host memory (nd4j-native) as bytes in the platform's order, made once: a view, not a copy. */
    ByteBuffer bytes() {
        if (bytes == null) {
            long length = (long) size() * (dtype == DType.FLOAT64 ? Double.BYTES : Float.BYTES);
            bytes = new BytePointer(array.data().addressPointer()).limit(length).asByteBuffer()
                    .order(ByteOrder.nativeOrder());
        }
        return bytes;
    }

    /**
     * Pointer {@code index} to the host memory (float32): each caller that moves a pointer about with
     * {@code position} takes its own index. Made on first use and kept.
     */
    FloatPointer floatView(int index) {
        if (index >= floatViews.length) {
            floatViews = Arrays.copyOf(floatViews, index + 1);
        }
        if (floatViews[index] == null) {
            floatViews[index] = new FloatPointer(array.data().addressPointer());
        }
        return floatViews[index];
    }

    /** Pointer {@code index} to the host memory (float64); see {@link #floatView}. */
    DoublePointer doubleView(int index) {
        if (index >= doubleViews.length) {
            doubleViews = Arrays.copyOf(doubleViews, index + 1);
        }
        if (doubleViews[index] == null) {
            doubleViews[index] = new DoublePointer(array.data().addressPointer());
        }
        return doubleViews[index];
    }

    /**
     * Makes the host buffer ({@link #floats} or {@link #doubles}, by dtype) and pointer {@code view} of
     * {@code m}, if not null, on the calling thread, before worker threads share them.
     */
    static void prepare(Nd4jMatrix m, int view) {
        if (m == null) {
            return;
        }
        if (m.dtype == DType.FLOAT64) {
            m.doubles();
            m.doubleView(view);
        } else {
            m.floats();
            m.floatView(view);
        }
    }

    @Override
    public String toString() {
        return "Nd4jMatrix(" + dtype + " " + shape() + ")";
    }
}
