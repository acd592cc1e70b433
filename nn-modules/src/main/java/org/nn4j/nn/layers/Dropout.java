package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.Dropout}, inverted: in training each value is zeroed with probability {@code p} and
 * the rest scaled by {@code 1 / (1 - p)}; in evaluation the identity. A row's mask is drawn from the
 * pass's key for that row ({@link Pass#rowKey}) and this layer's salt, so the same seed, step and
 * example give the same mask wherever the row is computed.
 */
public final class Dropout extends Module {
    private static final long COLUMN_STRIDE = 0x9E3779B97F4A7C15L;
    /** PyTorch's default probability. */
    private static final double DEFAULT_P = 0.5;

    private final Backend backend;
    private final double p;
    private long salt;
    private final Buffers outputs;
    private final Buffers masks;
    private final Buffers inputGrads;
    private final double[][] maskValues = {new double[0], new double[0]};
    private Matrix mask;

    /**
     * Dropout with probability {@code p}, as PyTorch's {@code Dropout(p)}; its masks are set apart from
     * other dropout layers' by its place in its model, when it is initialised ({@link
     * Initialization#salt()}; until then as the first layer's).
     */
    public Dropout(Backend backend, double p) {
        this(backend, p, Initialization.salt(0));
    }

    /** @param salt sets this layer's masks apart from other dropout layers' */
    public Dropout(Backend backend, double p, long salt) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], not " + p);
        }
        this.backend = backend;
        this.p = p;
        this.salt = salt;
        this.outputs = new Buffers(backend);
        this.masks = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    /** The probability of zeroing a value. */
    public double p() {
        return p;
    }

    /** Takes the salt of the layer's place ({@link Initialization#salt()}); draws nothing. */
    @Override
    public void initialize(Initialization init) {
        salt = init.salt();
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!pass.training() || p == 0) {
            mask = null;
            return x;
        }
        int rows = x.rows();
        int cols = x.cols();
        mask = masks.get(x.dtype(), rows, cols);
        double scale = p < 1 ? 1 / (1 - p) : 0;
        int n = rows * cols;
        // One mask in float64 for both dtypes: its values, 0 and the scale, round to float32 exactly as
        // a float32 mask would hold them, and copying in converts them.
        double[] values = maskValues[0].length == n ? maskValues[0] : maskValues[1];
        if (values.length != n) {
            // Two sizes are kept: a run's batch size and its last, smaller batch.
            maskValues[1] = maskValues[0];
            values = maskValues[0] = new double[n];
        }
        for (int r = 0; r < rows; r++) {
            long base = Pass.mix(pass.rowKey(r) ^ salt);
            for (int j = 0; j < cols; j++) {
                values[r * cols + j] = Pass.uniform(base + j * COLUMN_STRIDE) < p ? 0 : scale;
            }
        }
        backend.copyIn(values, mask);
        Matrix out = outputs.get(x.dtype(), rows, cols);
        backend.multiply(x, mask, out);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        if (mask == null) {
            return grad;
        }
        Matrix inputGrad = inputGrads.get(grad.dtype(), grad.rows(), grad.cols());
        backend.multiply(grad, mask, inputGrad);
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }

    /** The layer type {@code dropout}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "dropout";
        }

        @Override
        public String description() {
            return "zeroes values with probability p in training, scaling the rest by 1/(1-p) (torch.nn.Dropout)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(HyperParameter.number("p", DEFAULT_P, 0, true, 1, true, "probability of zeroing a value"));
        }

        @Override
        public Module create(LayerConfig config) {
            return new Dropout(config.backend(), config.number("p"), config.randomSalt());
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Dropout dropout)) {
                return null;
            }
            return dropout.p() == DEFAULT_P ? Map.of() : Map.of("p", dropout.p());
        }
    }
}
