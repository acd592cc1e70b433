package org.nn4j.nn.layers;

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
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.BatchNorm2d} over {@code [num_features, H, W]} images: {@link BatchNorm1d} per
 * channel, its statistics over the batch's examples and positions together. Each example's {@code [C,
 * P]} block is transposed to {@code [P, C]}, so that the batch is an {@code n * P x C} matrix of
 * {@code C} features, normalised as batchnorm1d does (the running variance's unbiased factor is then
 * {@code nP / (nP - 1)}, as PyTorch's), and transposed back. Parameters and buffers are batchnorm1d's:
 * {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}, each {@code [num_features]}.
 */
public final class BatchNorm2d extends Module {
    private final Backend backend;
    private final DType dtype;
    private final Shape shape;
    private final BatchNorm1d perChannel;
    private final Buffers byPosition;
    private final Buffers outputs;
    private final Buffers gradsByPosition;
    private final Buffers inputGrads;

    /** Batch normalisation of each channel of images of {@code shape}, as PyTorch's {@code BatchNorm2d(channels)}. */
    public BatchNorm2d(Backend backend, DType dtype, Shape shape) {
        this(backend, dtype, shape, BatchNorm1d.DEFAULT_EPS, BatchNorm1d.DEFAULT_MOMENTUM, true);
    }

    /** Batch normalisation of each channel of images of {@code shape}, as PyTorch's {@code BatchNorm2d}. */
    public BatchNorm2d(Backend backend, DType dtype, Shape shape, double eps, double momentum, boolean affine) {
        if (shape.rank() != 3) {
            throw new IllegalArgumentException("batchnorm2d takes [channels, height, width], not " + shape);
        }
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape;
        this.perChannel = new BatchNorm1d("batchnorm2d", backend, dtype, shape.dims().get(0), eps, momentum, affine);
        this.byPosition = new Buffers(backend);
        this.outputs = new Buffers(backend);
        this.gradsByPosition = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    private int channels() {
        return shape.dims().get(0);
    }

    private int positions() {
        return shape.dims().get(1) * shape.dims().get(2);
    }

    /** Resets the weight, bias and running statistics as {@link BatchNorm1d#initialize} does. */
    @Override
    public void initialize(Initialization init) {
        perChannel.initialize(init);
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        int n = x.rows();
        Matrix rows = byPosition.get(dtype, n * positions(), channels());
        backend.transposeBlocks(x, n, channels(), positions(), rows);
        Matrix normalised = perChannel.forward(rows, pass);
        Matrix out = outputs.get(dtype, n, shape.size());
        backend.transposeBlocks(normalised, n, positions(), channels(), out);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        Matrix rows = gradsByPosition.get(dtype, n * positions(), channels());
        backend.transposeBlocks(grad, n, channels(), positions(), rows);
        Matrix rowGrads = perChannel.backward(rows, inputGradient);
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(dtype, n, shape.size());
        backend.transposeBlocks(rowGrads, n, positions(), channels(), inputGrad);
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(shape)) {
            throw new IllegalArgumentException("batchnorm2d takes input of shape " + shape + ", not " + in);
        }
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return perChannel.parameters();
    }

    @Override
    public List<NamedMatrix> buffers() {
        return perChannel.buffers();
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels() + ", eps=" + perChannel.eps() + ", momentum=" + perChannel.momentum()
                + ", affine=" + !perChannel.parameters().isEmpty() + ")";
    }

    /** The layer type {@code batchnorm2d}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "batchnorm2d";
        }

        @Override
        public String description() {
            return "normalises each channel of images by the batch's (training) or running (evaluation)"
                    + " statistics (torch.nn.BatchNorm2d)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("num_features", 1, "channels per image; inferred from the input"),
                    HyperParameter.number("eps", BatchNorm1d.DEFAULT_EPS, 0, false, Double.NaN, false,
                            "added to the variance"),
                    HyperParameter.number("momentum", BatchNorm1d.DEFAULT_MOMENTUM, 0, true, 1, true,
                            "weight of each batch in the running statistics"),
                    HyperParameter.bool("affine", true, "whether to learn a per-channel weight and bias"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 3) {
                throw config.error(null, "takes input of shape [channels, height, width], not " + in);
            }
            if (config.has("num_features") && config.integer("num_features") != in.dims().get(0)) {
                throw config.error("num_features", "is " + config.integer("num_features") + " but its input " + in
                        + " has " + in.dims().get(0) + " channels");
            }
            int channels = in.dims().get(0);
            config.reserve(channels, channels, config.bool("affine") ? 2L * channels : 0);
            return new BatchNorm2d(config.backend(), config.dtype(), in, config.number("eps"),
                    config.number("momentum"), config.bool("affine"));
        }

        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof BatchNorm2d norm ? BatchNorm1d.written(norm.perChannel.eps(),
                    norm.perChannel.momentum(), norm.perChannel.affine()) : null;
        }
    }
}
