package org.nn4j.backend.nd4j;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * The Backend SPI on whichever ND4J backend is live: every operation is one or two ND4J ops that
 * run on ND4J's native side, writing into the caller's output.
 */
public final class Nd4jBackend implements Backend {
    private final String name;
    private final Map<String, INDArray> scratch = new HashMap<>();

    /**
     * Loads ND4J and sets the threads of its own kernels and of its BLAS to {@code threads}.
     *
     * @param name the provider name this backend is reported under
     */
    public Nd4jBackend(String name, int threads) {
        this.name = name;
        // Both only take effect once ND4J's native side is loaded, which asking for the backend does.
        Nd4j.getBackend();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    @Override
    public String name() {
        return name;
    }

    // ---- creation and data transfer ----

    @Override
    public Matrix zeros(DType dtype, int rows, int cols) {
        Checks.shape(rows, cols);
        return new Nd4jMatrix(Nd4j.create(dataType(dtype), rows, cols), dtype);
    }

    @Override
    public void copyIn(double[] rowMajor, Matrix dst) {
        Nd4jMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        d.array.data().setData(rowMajor);
    }

    @Override
    public void copyIn(float[] rowMajor, Matrix dst) {
        Nd4jMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        d.array.data().setData(rowMajor);
    }

    @Override
    public void copyOut(Matrix src, double[] rowMajor) {
        Nd4jMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        System.arraycopy(s.array.data().asDouble(), 0, rowMajor, 0, rowMajor.length);
    }

    @Override
    public void copyOut(Matrix src, float[] rowMajor) {
        Nd4jMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        System.arraycopy(s.array.data().asFloat(), 0, rowMajor, 0, rowMajor.length);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        Checks.sameShape("copy", src, dst);
        own(dst).array.assign(own(src).array);
    }

    @Override
    public void fill(Matrix dst, double value) {
        own(dst).array.assign(value);
    }

    // ---- linear algebra ----

    @Override
    public void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c) {
        Checks.gemm(transposeA, transposeB, a, b, c);
        INDArray out = own(c).array;
        if (alpha == 0) {
            // BLAS semantics: A and B are not read, so a NaN in them cannot reach C.
            if (beta == 0) {
                out.assign(0);
            } else {
                out.muli(beta);
            }
            return;
        }
        // With beta 0 ND4J's matmul does not read C (the kit checks this with a C full of NaN).
        Nd4j.gemm(own(a).array, own(b).array, out, transposeA, transposeB, alpha, beta);
    }

    @Override
    public void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(own(a).array, vector(row), own(out).array, 1));
    }

    @Override
    public void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        Nd4j.getExecutioner().exec(new Sum(own(a).array, vector(out), 0));
    }

    // ---- element-wise ----

    @Override
    public void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
        INDArray x = own(a).array;
        INDArray y = own(b).array;
        INDArray z = own(out).array;
        if (z == x) {
            // out = alpha * a, then out += beta * b
            x.muli(alpha);
            Nd4j.getExecutioner().exec(new Axpy(y, x, x, beta));
        } else {
            // out = beta * b (out may be b), then out += alpha * a
            y.mul(beta, z);
            Nd4j.getExecutioner().exec(new Axpy(x, z, z, alpha));
        }
    }

    @Override
    public void scale(double alpha, Matrix a, Matrix out) {
        Checks.sameShape("scale", a, out);
        own(a).array.mul(alpha, own(out).array);
    }

    @Override
    public void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        own(a).array.mul(own(b).array, own(out).array);
    }

    @Override
    public void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.sameShape("activation " + kind, x, out);
        INDArray in = own(x).array;
        INDArray z = own(out).array;
        switch (kind) {
            case SIGMOID:
                Nd4j.getExecutioner().exec(new Sigmoid(in, z));
                break;
            case TANH:
                Nd4j.getExecutioner().exec(new Tanh(in, z));
                break;
            case RELU:
                Nd4j.getExecutioner().exec(new RectifiedLinear(in, z, 0.0));
                break;
            default:
                throw unsupported(kind);
        }
    }

    @Override
    public void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        // ND4J's derivative ops take the input: one fused native pass each.
        Checks.sameShape("activationBackward " + kind, x, y, grad, out);
        INDArray in = own(x).array;
        INDArray g = own(grad).array;
        INDArray z = own(out).array;
        switch (kind) {
            case SIGMOID:
                Nd4j.getExecutioner().exec(new SigmoidDerivative(in, g, z));
                break;
            case TANH:
                Nd4j.getExecutioner().exec(new TanhDerivative(in, g, z));
                break;
            case RELU:
                Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(in, g, z));
                break;
            default:
                throw unsupported(kind);
        }
    }

    @Override
    public void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Checks.sameShape("adamUpdate", param, grad, m, v);
        INDArray p = own(param).array;
        INDArray g = own(grad).array;
        INDArray m1 = own(m).array;
        INDArray v1 = own(v).array;
        INDArray t = scratch(own(param));
        // m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g²
        m1.muli(beta1);
        Nd4j.getExecutioner().exec(new Axpy(g, m1, m1, 1 - beta1));
        g.mul(g, t);
        v1.muli(beta2);
        Nd4j.getExecutioner().exec(new Axpy(t, v1, v1, 1 - beta2));
        // param -= stepSize m / (sqrt(v) vScale + epsilon)
        Nd4j.getExecutioner().exec(new Sqrt(v1, t));
        t.muli(vScale).addi(epsilon);
        m1.div(t, t);
        Nd4j.getExecutioner().exec(new Axpy(t, p, p, -stepSize));
    }

    // ---- row-wise ----

    @Override
    public void softmaxRows(Matrix x, Matrix out) {
        Checks.sameShape("softmaxRows", x, out);
        Nd4j.exec(new SoftMax(own(x).array, own(out).array, 1));
    }

    @Override
    public void logSumExpRows(Matrix x, Matrix out) {
        Checks.logSumExpRows(x, out);
        Nd4j.exec(new LogSumExp(own(x).array, vector(out), false, 1));
    }

    @Override
    public void argmaxRows(Matrix x, int[] out) {
        Checks.argmaxRows(x, out);
        long[] indices = own(x).array.argMax(1).toLongVector();
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) indices[i];
        }
    }

    // ---- reductions ----

    @Override
    public double sum(Matrix a) {
        return float64(own(a)).sumNumber().doubleValue();
    }

    @Override
    public double dot(Matrix a, Matrix b) {
        Checks.sameShape("dot", a, b);
        return float64(own(a)).mul(float64(own(b))).sumNumber().doubleValue();
    }

    // ---- helpers ----

    /** A work matrix of {@code like}'s shape and type, made on first use and kept for the next. */
    private INDArray scratch(Nd4jMatrix like) {
        String key = like.dtype() + " " + like.shape();
        return scratch.computeIfAbsent(key, k -> Nd4j.create(dataType(like.dtype()), like.rows(), like.cols()));
    }

    private static DataType dataType(DType dtype) {
        return dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** The array itself when float64; a float64 copy otherwise, so that reductions accumulate in float64. */
    private static INDArray float64(Nd4jMatrix m) {
        return m.dtype() == DType.FLOAT64 ? m.array : m.array.castTo(DataType.DOUBLE);
    }

    /** A row or column matrix as the rank-1 view ND4J's broadcasts and reductions expect. */
    private static INDArray vector(Matrix m) {
        return own(m).array.reshape(m.size());
    }

    private static Nd4jMatrix own(Matrix m) {
        if (m instanceof Nd4jMatrix) {
            return (Nd4jMatrix) m;
        }
        throw new IllegalArgumentException("an ND4J backend cannot use a matrix of another backend: " + m);
    }

    private static UnsupportedOperationException unsupported(ActivationKind kind) {
        return new UnsupportedOperationException("the ND4J backends have no activation " + kind);
    }
}
