package org.nn4j.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Module;
import org.nn4j.nn.NamedMatrix;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorLayout;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.BatchNorm1d} over {@code [num_features]} inputs: {@code y = (x - mean) / sqrt(var +
 * eps) * weight + bias}, per feature. In training, mean and var are the batch's (the biased variance),
 * and the running statistics move towards them: {@code running = (1 - momentum) running + momentum
 * stat}, with the unbiased variance for {@code running_var}, as PyTorch does. In evaluation, the
 * running statistics are used. {@code weight} starts at 1, {@code bias} at 0, {@code running_mean} at
 * 0 and {@code running_var} at 1; all are {@code [num_features]} tensors.
 *
 * <p>The per-feature arithmetic (statistics, their updates, the backward pass's coefficients) runs on
 * {@code num_features}-long host arrays; every {@code n x features} step is a backend operation.
 */
public final class BatchNorm1d extends Module {
    /** PyTorch's default {@code eps}. */
    static final double DEFAULT_EPS = 1e-5;
    /** PyTorch's default {@code momentum}. */
    static final double DEFAULT_MOMENTUM = 0.1;
    private final String name;
    private final Backend backend;
    private final DType dtype;
    private final int features;
    private final double eps;
    private final double momentum;
    private final List<Parameter> parameters;
    private final List<NamedMatrix> buffers;
    private final Matrix runningMean;
    private final Matrix runningVar;
    private final Matrix rowA;
    private final Matrix rowB;
    private final Matrix invStd;
    private final Buffers centered;
    private final Buffers normalized;
    private final Buffers outputs;
    private final Buffers scratch;
    private final Buffers inputGrads;
    private final double[] mean;
    private final double[] var;
    private final double[] inv;
    private final double[] gamma;
    private final double[] work;
    private final double[] sumGrad;
    private final double[] sumGradXhat;
    private final double[] coefficient;
    private final double[] shift;
    private Matrix xhat;
    private boolean trainedLast;

    /** Batch normalisation of {@code numFeatures} features, as PyTorch's {@code BatchNorm1d(num_features)}. */
    public BatchNorm1d(Backend backend, DType dtype, int numFeatures) {
        this(backend, dtype, numFeatures, DEFAULT_EPS, DEFAULT_MOMENTUM, true);
    }

    /**
     * Batch normalisation of {@code numFeatures} features, as PyTorch's {@code BatchNorm1d(num_features, eps, momentum, affine)}.
     */
    public BatchNorm1d(Backend backend, DType dtype, int numFeatures, double eps, double momentum, boolean affine) {
        this("batchnorm1d", backend, dtype, numFeatures, eps, momentum, affine);
    }

    /** @param name the layer type, for messages: batch normalisation of images reuses this one's arithmetic */
    BatchNorm1d(String name, Backend backend, DType dtype, int numFeatures, double eps, double momentum,
            boolean affine) {
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + " needs eps > 0 and momentum in [0, 1], not " + eps + " and "
                    + momentum);
        }
        this.name = name;
        this.backend = backend;
        this.dtype = dtype;
        this.features = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        if (affine) {
            parameters = Parameter.affine(backend, dtype, numFeatures);
        } else {
            parameters = List.of();
        }
        runningMean = backend.zeros(dtype, 1, numFeatures);
        runningVar = backend.zeros(dtype, 1, numFeatures);
        backend.fill(runningVar, 1);
        buffers = List.of(new NamedMatrix("running_mean", runningMean, TensorLayout.VECTOR),
                new NamedMatrix("running_var", runningVar, TensorLayout.VECTOR));
        rowA = backend.zeros(dtype, 1, numFeatures);
        rowB = backend.zeros(dtype, 1, numFeatures);
        invStd = backend.zeros(dtype, 1, numFeatures);
        centered = new Buffers(backend);
        normalized = new Buffers(backend);
        outputs = new Buffers(backend);
        scratch = new Buffers(backend);
        inputGrads = new Buffers(backend);
        mean = new double[numFeatures];
        var = new double[numFeatures];
        inv = new double[numFeatures];
        gamma = new double[numFeatures];
        work = new double[numFeatures];
        sumGrad = new double[numFeatures];
        sumGradXhat = new double[numFeatures];
        coefficient = new double[numFeatures];
        shift = new double[numFeatures];
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        int n = x.rows();
        Matrix c = centered.get(dtype, n, features);
        xhat = normalized.get(dtype, n, features);
        trainedLast = pass.training();
        if (trainedLast) {
            if (n < 2) {
                throw new IllegalArgumentException(name + " needs more than 1 value per " + (name.equals("batchnorm1d")
                        ? "feature (examples in a batch)" : "channel (examples x height x width)") + " in training,"
                        + " for the batch's variance; got " + n);
            }
            backend.columnSums(x, rowA);
            backend.copyOut(rowA, mean);
            for (int j = 0; j < features; j++) {
                mean[j] /= n;
                work[j] = -mean[j];
            }
            backend.copyIn(work, rowA);
            backend.addRowVector(x, rowA, c);
            Matrix squares = scratch.get(dtype, n, features);
            backend.multiply(c, c, squares);
            backend.columnSums(squares, rowA);
            backend.copyOut(rowA, var);
            for (int j = 0; j < features; j++) {
                var[j] /= n;
                inv[j] = 1 / Math.sqrt(var[j] + eps);
            }
            updateRunning(n);
        } else {
            backend.copyOut(runningMean, mean);
            backend.copyOut(runningVar, var);
            for (int j = 0; j < features; j++) {
                work[j] = -mean[j];
                inv[j] = 1 / Math.sqrt(var[j] + eps);
            }
            backend.copyIn(work, rowA);
            backend.addRowVector(x, rowA, c);
        }
        backend.copyIn(inv, invStd);
        backend.multiplyRowVector(c, invStd, xhat);
        if (parameters.isEmpty()) {
            return xhat;
        }
        Matrix out = outputs.get(dtype, n, features);
        backend.multiplyRowVector(xhat, parameters.get(0).value(), out);
        backend.addRowVector(out, parameters.get(1).value(), out);
        return out;
    }

    private void updateRunning(int n) {
        backend.copyOut(runningMean, work);
        for (int j = 0; j < features; j++) {
            work[j] = (1 - momentum) * work[j] + momentum * mean[j];
        }
        backend.copyIn(work, runningMean);
        backend.copyOut(runningVar, work);
        double unbiased = (double) n / (n - 1);
        for (int j = 0; j < features; j++) {
            work[j] = (1 - momentum) * work[j] + momentum * var[j] * unbiased;
        }
        backend.copyIn(work, runningVar);
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        Matrix products = scratch.get(dtype, n, features);
        boolean affine = !parameters.isEmpty();
        // The bias's gradient is the column sums of grad, the weight's those of grad * xhat.
        Matrix biasGrad = affine ? parameters.get(1).grad() : rowA;
        Matrix weightGrad = affine ? parameters.get(0).grad() : rowB;
        backend.columnSums(grad, biasGrad);
        backend.multiply(grad, xhat, products);
        backend.columnSums(products, weightGrad);
        if (!inputGradient) {
            return null;
        }
        backend.copyOut(biasGrad, sumGrad);
        backend.copyOut(weightGrad, sumGradXhat);
        if (affine) {
            backend.copyOut(parameters.get(0).value(), gamma);
        } else {
            java.util.Arrays.fill(gamma, 1);
        }
        Matrix inputGrad = inputGrads.get(dtype, n, features);
        // dL/dxhat = grad * gamma. In evaluation the statistics are constants: dL/dx = dL/dxhat * inv.
        for (int j = 0; j < features; j++) {
            coefficient[j] = gamma[j] * inv[j];
        }
        backend.copyIn(coefficient, rowA);
        backend.multiplyRowVector(grad, rowA, inputGrad);
        if (!trainedLast) {
            return inputGrad;
        }
        // In training the batch's statistics depend on x as well, and per feature
        // dL/dx = inv (dL/dxhat - mean(dL/dxhat) - xhat mean(dL/dxhat xhat)).
        for (int j = 0; j < features; j++) {
            coefficient[j] = gamma[j] * sumGradXhat[j] / n * inv[j];
            shift[j] = -gamma[j] * sumGrad[j] / n * inv[j];
        }
        backend.copyIn(coefficient, rowB);
        backend.multiplyRowVector(xhat, rowB, products);
        backend.axpby(1, inputGrad, -1, products, inputGrad);
        backend.copyIn(shift, rowB);
        backend.addRowVector(inputGrad, rowB, inputGrad);
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 1 || in.size() != features) {
            throw new IllegalArgumentException("batchnorm1d takes input of shape [" + features + "], not " + in);
        }
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public List<NamedMatrix> buffers() {
        return buffers;
    }

    @Override
    public String toString() {
        return "BatchNorm1d(" + features + ", eps=" + eps + ", momentum=" + momentum + ", affine="
                + !parameters.isEmpty() + ")";
    }

    /** Added to the variance. */
    public double eps() {
        return eps;
    }

    /** The weight of each batch in the running statistics. */
    public double momentum() {
        return momentum;
    }

    /** Whether it learns a weight and bias per feature. */
    public boolean affine() {
        return !parameters.isEmpty();
    }

    /** Resets the weight to 1, the bias to 0 and the running statistics to 0 and 1; draws nothing. */
    @Override
    public void initialize(Initialization init) {
        if (!parameters.isEmpty()) {
            backend.fill(parameters.get(0).value(), 1);
            backend.fill(parameters.get(1).value(), 0);
        }
        backend.fill(runningMean, 0);
        backend.fill(runningVar, 1);
    }

    /** The spec values of a batch normalisation with these settings: those that differ from PyTorch's defaults. */
    static Map<String, Object> written(double eps, double momentum, boolean affine) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (eps != DEFAULT_EPS) {
            values.put("eps", eps);
        }
        if (momentum != DEFAULT_MOMENTUM) {
            values.put("momentum", momentum);
        }
        if (!affine) {
            values.put("affine", false);
        }
        return values;
    }

    /** The layer type {@code batchnorm1d}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "batchnorm1d";
        }

        @Override
        public String description() {
            return "normalises each feature by the batch's (training) or running (evaluation) statistics"
                    + " (torch.nn.BatchNorm1d)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("num_features", 1, "features per example; inferred from the input"),
                    HyperParameter.number("eps", DEFAULT_EPS, 0, false, Double.NaN, false, "added to the variance"),
                    HyperParameter.number("momentum", DEFAULT_MOMENTUM, 0, true, 1, true,
                            "weight of each batch in the running statistics"),
                    HyperParameter.bool("affine", true, "whether to learn a per-feature weight and bias"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 1) {
                throw config.error(null, "takes input of shape [features], not " + in + "; put a flatten before it");
            }
            if (config.has("num_features") && config.integer("num_features") != in.size()) {
                throw config.error("num_features", "is " + config.integer("num_features") + " but its input has "
                        + in.size() + " features");
            }
            config.reserve(in.size(), in.size(), config.bool("affine") ? 2L * in.size() : 0);
            return new BatchNorm1d(config.backend(), config.dtype(), in.size(), config.number("eps"),
                    config.number("momentum"), config.bool("affine"));
        }

        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof BatchNorm1d norm && norm.name.equals("batchnorm1d")
                    ? written(norm.eps(), norm.momentum(), norm.affine()) : null;
        }
    }
}
