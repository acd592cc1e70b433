package org.nn4j.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Window2d;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.MaxPool2d} and {@code torch.nn.AvgPool2d}: each channel of {@code [C, H, W]} images
 * pooled over {@code kernel_size} windows moved {@code stride} (the kernel unless given) at a time,
 * to {@code [C, H', W']}. Max pooling keeps where each maximum was, for the backward pass; average
 * pooling counts padding as zeros (PyTorch's default {@code count_include_pad}).
 */
public final class Pool2d extends Module {
    private final Backend backend;
    private final DType dtype;
    private final Window2d window;
    private final boolean max;
    private final Buffers outputs;
    private final Buffers argmaxes;
    private final Buffers inputGrads;
    private Matrix argmax;

    /**
     * Max pooling of {@code [C, H, W]} images of {@code input} over {@code kernelSize x kernelSize}
     * windows that do not overlap, as PyTorch's {@code MaxPool2d(kernel_size)}.
     */
    public static Pool2d max(Backend backend, DType dtype, Shape input, int kernelSize) {
        return new Pool2d(backend, dtype, window(input, kernelSize, "maxpool2d"), true);
    }

    /**
     * Average pooling of {@code [C, H, W]} images of {@code input} over {@code kernelSize x kernelSize}
     * windows that do not overlap, as PyTorch's {@code AvgPool2d(kernel_size)}.
     */
    public static Pool2d avg(Backend backend, DType dtype, Shape input, int kernelSize) {
        return new Pool2d(backend, dtype, window(input, kernelSize, "avgpool2d"), false);
    }

    private static Window2d window(Shape input, int kernelSize, String name) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException(name + " takes input of shape [channels, height, width], not " + input);
        }
        return new Window2d(input.dims().get(0), input.dims().get(1), input.dims().get(2), kernelSize, kernelSize,
                kernelSize, kernelSize, 0, 0);
    }

    /** Max ({@code max}) or average pooling over {@code window}. */
    public Pool2d(Backend backend, DType dtype, Window2d window, boolean max) {
        this.backend = backend;
        this.dtype = dtype;
        this.window = window;
        this.max = max;
        this.outputs = new Buffers(backend);
        this.argmaxes = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        Matrix out = outputs.get(dtype, x.rows(), window.pooledSize());
        if (max) {
            argmax = argmaxes.get(dtype, x.rows(), window.pooledSize());
            backend.maxPool2d(x, window, out, argmax);
        } else {
            backend.avgPool2d(x, window, out);
        }
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(dtype, grad.rows(), window.inputSize());
        if (max) {
            backend.maxPool2dBackward(grad, argmax, window, inputGrad);
        } else {
            backend.avgPool2dBackward(grad, window, inputGrad);
        }
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(Shape.of(window.channels(), window.height(), window.width()))) {
            throw new IllegalArgumentException(name() + " takes input of shape [" + window.channels() + ", "
                    + window.height() + ", " + window.width() + "], not " + in);
        }
        return Shape.of(window.channels(), window.outHeight(), window.outWidth());
    }

    private String name() {
        return max ? "maxpool2d" : "avgpool2d";
    }

    @Override
    public String toString() {
        return (max ? "MaxPool2d" : "AvgPool2d") + "(kernel_size=(" + window.kernelHeight() + ", "
                + window.kernelWidth() + "), stride=(" + window.strideHeight() + ", " + window.strideWidth()
                + "), padding=(" + window.paddingHeight() + ", " + window.paddingWidth() + "))";
    }

    /** The window it pools over. */
    public Window2d window() {
        return window;
    }

    /** Whether it keeps the largest value of each window (else their mean). */
    public boolean isMax() {
        return max;
    }

    private abstract static class PoolType implements LayerType {
        private final boolean max;

        PoolType(boolean max) {
            this.max = max;
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.pair("kernel_size", null, true, 1, "the window's height and width"),
                    HyperParameter.pair("stride", null, false, 1, "the window's step; the kernel_size unless given"),
                    HyperParameter.pair("padding", 0, false, 0, "added on each side, at most half the kernel ("
                            + (max ? "minus infinity" : "zeros") + ")"));
        }

        @Override
        public Module create(LayerConfig config) {
            Window2d window = Conv2d.window(config, null);
            if (2 * window.paddingHeight() > window.kernelHeight() || 2 * window.paddingWidth() > window.kernelWidth()) {
                throw config.error("padding", "is " + window.paddingHeight() + "x" + window.paddingWidth()
                        + ", more than half the " + window.kernelHeight() + "x" + window.kernelWidth() + " kernel");
            }
            return new Pool2d(config.backend(), config.dtype(), window, max);
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Pool2d pool) || pool.max != max) {
                return null;
            }
            Window2d w = pool.window;
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("kernel_size", Conv2d.pair(w.kernelHeight(), w.kernelWidth()));
            if (w.strideHeight() != w.kernelHeight() || w.strideWidth() != w.kernelWidth()) {
                values.put("stride", Conv2d.pair(w.strideHeight(), w.strideWidth()));
            }
            if (w.paddingHeight() != 0 || w.paddingWidth() != 0) {
                values.put("padding", Conv2d.pair(w.paddingHeight(), w.paddingWidth()));
            }
            return values;
        }
    }

    /** The layer type {@code maxpool2d}. */
    public static final class MaxType extends PoolType {
        /** The {@code maxpool2d} layer type. */
        public MaxType() {
            super(true);
        }

        @Override
        public String name() {
            return "maxpool2d";
        }

        @Override
        public String description() {
            return "the largest value of each window, per channel (torch.nn.MaxPool2d)";
        }
    }

    /** The layer type {@code avgpool2d}. */
    public static final class AvgType extends PoolType {
        /** The {@code avgpool2d} layer type. */
        public AvgType() {
            super(false);
        }

        @Override
        public String name() {
            return "avgpool2d";
        }

        @Override
        public String description() {
            return "the mean of each window, per channel (torch.nn.AvgPool2d)";
        }
    }
}
