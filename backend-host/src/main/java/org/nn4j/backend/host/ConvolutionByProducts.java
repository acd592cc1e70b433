package org.nn4j.backend.host;

import java.util.ArrayList;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Window2d;

/**
 * {@link Backend#conv2d} and {@link Backend#conv2dBackward} composed of a backend's own operations:
 * im2col, one product for the whole batch and a block transpose between the products' (position,
 * channel) order and the images' (channel, position) order. Its work matrices are kept between calls,
 * by shape, so that a backend holding one allocates nothing once it has seen each layer's shapes.
 * The backward pass gathers the patches again instead of keeping them, so that layers of one network
 * can share the work matrices of their shapes. Not thread-safe, like the backends that hold one.
 */
public final class ConvolutionByProducts {
    private static final int PATCHES = 0;
    private static final int BY_POSITION = 1;

    private final Backend backend;
    /** The work matrices made so far, with their purposes: few, one or two per layer shape, so a list. */
    private final List<Matrix> work = new ArrayList<>();
    private final List<Integer> purposes = new ArrayList<>();

    /** Convolutions computed by {@code backend}'s operations. */
    public ConvolutionByProducts(Backend backend) {
        this.backend = backend;
    }

    /** {@link Backend#conv2d}. */
    public void forward(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        Checks.conv2d("conv2d", x, w, weight, bias, out);
        int n = x.rows();
        int outChannels = weight.rows();
        Matrix cols = patches(x, w);
        Matrix byPosition = work(BY_POSITION, x.dtype(), n * w.positions(), outChannels);
        backend.gemm(false, true, 1, cols, weight, 0, byPosition);
        if (bias != null) {
            backend.addRowVector(byPosition, bias, byPosition);
        }
        backend.transposeBlocks(byPosition, n, w.positions(), outChannels, out);
    }

    /** {@link Backend#conv2dBackward}. */
    public void backward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad, Matrix biasGrad,
            Matrix inputGrad) {
        Checks.conv2dBackward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
        int n = x.rows();
        int outChannels = weight.rows();
        Matrix cols = patches(x, w);
        Matrix byPosition = work(BY_POSITION, x.dtype(), n * w.positions(), outChannels);
        backend.transposeBlocks(grad, n, outChannels, w.positions(), byPosition);
        backend.gemm(true, false, 1, byPosition, cols, 0, weightGrad);
        if (biasGrad != null) {
            backend.columnSums(byPosition, biasGrad);
        }
        if (inputGrad != null) {
            // The patches are spent: their matrix takes the patches' gradients.
            backend.gemm(false, false, 1, byPosition, weight, 0, cols);
            backend.col2im(cols, w, inputGrad);
        }
    }

    private Matrix patches(Matrix x, Window2d w) {
        Matrix cols = work(PATCHES, x.dtype(), x.rows() * w.positions(), w.patchSize());
        backend.im2col(x, w, cols);
        return cols;
    }

    private Matrix work(int purpose, DType dtype, int rows, int cols) {
        // A search without boxing or lambdas: a step allocates nothing.
        for (int i = 0; i < work.size(); i++) {
            Matrix m = work.get(i);
            if (purposes.get(i) == purpose && m.rows() == rows && m.cols() == cols && m.dtype() == dtype) {
                return m;
            }
        }
        Matrix m = backend.zeros(dtype, rows, cols);
        work.add(m);
        purposes.add(purpose);
        return m;
    }
}
