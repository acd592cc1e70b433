package org.nn4j.nn.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * A sequence {@code [T, F]} to one vector {@code [F]}, padding left out ({@code nn4j_torch.SequencePool}):
 * {@code mean} of the real steps, their {@code max} (the gradient goes to the first largest step), or the
 * {@code last} real step. A row of length {@code L} (its {@link SequenceMask} length, {@code T} without a
 * mask) uses steps {@code [0, L)}; a row with no real steps gives zeros. The mask ends here.
 *
 * <p>The pooling runs on host copies of the batch, kept between batches (the backend's {@code copyOut} and
 * {@code copyIn}), in float64 whatever the dtype.
 */
public final class SequencePool extends Module {
    /** How the steps of a row become one vector. */
    public enum Mode {
        /** The mean of the real steps. */
        MEAN,
        /** The largest value of each feature over the real steps. */
        MAX,
        /** The last real step. */
        LAST;

        /** The name in a spec: {@code mean}, {@code max} or {@code last}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Backend backend;
    private final Mode mode;
    private final int steps;
    private final int features;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private SequenceMask mask;
    /** Host arrays by size: the steps' values (and their gradients), and the pooled values (and theirs). */
    private final Map<Integer, double[]> stepValues = new java.util.HashMap<>();
    private final Map<Integer, double[]> pooledValues = new java.util.HashMap<>();
    /** For max: the step each output value came from; for last, the step of each row. */
    private int[] from = new int[0];
    private int rows;

    /** Pooling of sequences of {@code steps} steps of {@code features} values by {@code mode}. */
    public SequencePool(Backend backend, Mode mode, int steps, int features) {
        this.backend = backend;
        this.mode = mode;
        this.steps = steps;
        this.features = features;
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    /** How the steps are pooled. */
    public Mode mode() {
        return mode;
    }

    /** Keeps the mask of its input, and ends it: the output has no steps. */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        this.mask = input;
        return null;
    }

    private int length(int row) {
        return mask == null ? steps : mask.length(row);
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        rows = x.rows();
        double[] in = host(0, x.size());
        double[] pooled = host(1, rows * features);
        if (from.length < rows * features) {
            from = new int[rows * features];
        }
        backend.copyOut(x, in);
        for (int r = 0; r < rows; r++) {
            int length = length(r);
            int base = r * steps * features;
            for (int f = 0; f < features; f++) {
                int o = r * features + f;
                double value = 0;
                int at = -1;
                if (length > 0 && mode == Mode.MEAN) {
                    double sum = 0;
                    for (int t = 0; t < length; t++) {
                        sum += in[base + t * features + f];
                    }
                    value = sum / length;
                } else if (length > 0 && mode == Mode.MAX) {
                    at = 0;
                    value = in[base + f];
                    for (int t = 1; t < length; t++) {
                        double v = in[base + t * features + f];
                        if (v > value || Double.isNaN(v) && !Double.isNaN(value)) {
                            value = v;
                            at = t;
                        }
                    }
                } else if (length > 0) {
                    at = length - 1;
                    value = in[base + at * features + f];
                }
                pooled[o] = value;
                from[o] = at;
            }
        }
        Matrix out = outputs.get(x.dtype(), rows, features);
        backend.copyIn(pooled, out);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        double[] g = host(1, rows * features);
        double[] dx = host(0, rows * steps * features);
        backend.copyOut(grad, g);
        java.util.Arrays.fill(dx, 0);
        for (int r = 0; r < rows; r++) {
            int length = length(r);
            int base = r * steps * features;
            for (int f = 0; f < features; f++) {
                int o = r * features + f;
                if (mode == Mode.MEAN) {
                    for (int t = 0; t < length; t++) {
                        dx[base + t * features + f] = g[o] / length;
                    }
                } else if (from[o] >= 0) {
                    dx[base + from[o] * features + f] = g[o];
                }
            }
        }
        Matrix inputGrad = inputGrads.get(grad.dtype(), rows, steps * features);
        backend.copyIn(dx, inputGrad);
        return inputGrad;
    }

    /**
     * Host array {@code slot} of exactly {@code size} values ({@code copyIn} and {@code copyOut} take the exact
     * length), one per size seen, kept: a warm layer allocates nothing.
     */
    private double[] host(int slot, int size) {
        return (slot == 0 ? stepValues : pooledValues).computeIfAbsent(size, double[]::new);
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.rank() != 2 || input.dims().get(0) != steps || input.dims().get(1) != features) {
            throw new IllegalArgumentException("sequence_pool takes input of shape [" + steps + ", " + features
                    + "], not " + input);
        }
        return Shape.of(features);
    }

    @Override
    public String toString() {
        return "SequencePool(" + mode.label() + ")";
    }

    /** The layer type {@code sequence_pool}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "sequence_pool";
        }

        @Override
        public String description() {
            return "a sequence [T, F] to [F]: the mean, max or last of its real steps, padding left out";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(HyperParameter.choice("mode", "mean", List.of("mean", "max", "last"),
                    "how the real steps become one vector"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 2) {
                throw config.error(null, "takes a sequence of shape [T, F], not " + in);
            }
            return new SequencePool(config.backend(), Mode.valueOf(config.string("mode").toUpperCase(Locale.ROOT)),
                    in.dims().get(0), in.dims().get(1));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof SequencePool pool)) {
                return null;
            }
            return pool.mode() == Mode.MEAN ? Map.of() : Map.of("mode", pool.mode().label());
        }
    }
}
