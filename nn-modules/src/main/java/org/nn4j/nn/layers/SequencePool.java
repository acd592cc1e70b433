package org.nn4j.nn.layers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.api.StepPooling;
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
 * mask) uses steps {@code [0, L)}; a row with no real steps gives zeros. The mask ends here. Both passes are
 * one backend operation each ({@link Backend#poolSteps}, {@link Backend#poolStepsBackward}).
 */
public final class SequencePool extends Module {
    private final Backend backend;
    private final StepPooling mode;
    private final int steps;
    private final int features;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private SequenceMask mask;
    /** For max and last: the step each output value came from, kept for the backward pass. */
    private int[] from = new int[0];

    /** Pooling of sequences of {@code steps} steps of {@code features} values by {@code mode}. */
    public SequencePool(Backend backend, StepPooling mode, int steps, int features) {
        this.backend = backend;
        this.mode = mode;
        this.steps = steps;
        this.features = features;
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    /** How the steps are pooled. */
    public StepPooling mode() {
        return mode;
    }

    /** The name of {@code mode} in a spec: {@code mean}, {@code max} or {@code last}. */
    public static String label(StepPooling mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** Keeps the mask of its input, and ends it: the output has no steps. */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        this.mask = input;
        return null;
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        int rows = x.rows();
        if (mode != StepPooling.MEAN && from.length < rows * features) {
            from = new int[rows * features];
        }
        Matrix out = outputs.get(x.dtype(), rows, features);
        backend.poolSteps(mode, x, steps, mask == null ? null : mask.lengths(), out, from);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(grad.dtype(), grad.rows(), steps * features);
        backend.poolStepsBackward(mode, grad, steps, mask == null ? null : mask.lengths(), from, inputGrad);
        return inputGrad;
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
        return "SequencePool(" + label(mode) + ")";
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
            return new SequencePool(config.backend(), StepPooling.valueOf(config.string("mode").toUpperCase(Locale.ROOT)),
                    in.dims().get(0), in.dims().get(1));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof SequencePool pool)) {
                return null;
            }
            return pool.mode() == StepPooling.MEAN ? Map.of() : Map.of("mode", label(pool.mode()));
        }
    }
}
