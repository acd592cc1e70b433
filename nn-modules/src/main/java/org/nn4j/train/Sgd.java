package org.nn4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.io.InvalidInputException;

/**
 * Stochastic gradient descent, as PyTorch defines it: with momentum {@code μ} the velocity is
 * {@code b = μ b + g} and the step {@code lr b}, or {@code lr (g + μ b)} with Nesterov's variant;
 * weight decay adds {@code wd · p} to the gradient first.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final List<Matrix> velocity;

    /** SGD on {@code parameters}, as PyTorch's {@code SGD(lr, momentum, nesterov=nesterov, weight_decay)}. */
    public Sgd(Backend backend, List<Matrix> parameters, double learningRate, double momentum, boolean nesterov,
            double weightDecay) {
        super(backend, parameters, learningRate, weightDecay);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), not " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum above 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.velocity = momentum == 0 ? List.of() : newState();
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("momentum", momentum);
        settings.put("nesterov", nesterov);
        settings.put("weight_decay", weightDecay);
        return settings;
    }

    @Override
    public List<String> slots() {
        return momentum == 0 ? List.of() : List.of("velocity");
    }

    @Override
    public Matrix state(String slot, int index) {
        if (!slots().contains(slot)) {
            throw noSlot("sgd", slot);
        }
        return velocity.get(index);
    }

    @Override
    protected void update(int index, Matrix parameter, Matrix gradient, long step) {
        if (momentum != 0) {
            backend.momentumUpdate(parameter, gradient, velocity.get(index), momentum, learningRate(), nesterov);
        } else {
            backend.axpby(1, parameter, -learningRate(), gradient, parameter);
        }
    }

    /**
     * {@code sgd}: learning rate 0.05 unless given; options {@code weight_decay} (0), {@code momentum}
     * (0.9, in [0, 1)) and {@code nesterov} (false; it needs a momentum).
     */
    public static final class Type implements OptimizerType {
        @Override
        public String name() {
            return "sgd";
        }

        @Override
        public String description() {
            return "stochastic gradient descent, with momentum and Nesterov's variant as PyTorch's";
        }

        @Override
        public double defaultLearningRate() {
            return 0.05;
        }

        @Override
        public List<OptimizerOption> options() {
            return List.of(Adam.WEIGHT_DECAY, OptimizerOption.number("momentum", "momentum", 0.9, 0, true, 1, false,
                    "must be in [0, 1)", "the velocity's share kept from step to step (0 for none)"),
                    OptimizerOption.bool("nesterov", "Nesterov momentum", false, "Nesterov's variant of momentum"));
        }

        @Override
        public void check(Map<String, Object> options, UnaryOperator<String> names) {
            if ((Boolean) options.get("nesterov") && Adam.number(options, "momentum") == 0) {
                throw new InvalidInputException(names.apply("nesterov") + " needs a " + names.apply("momentum")
                        + " above 0, not 0");
            }
        }

        @Override
        public Optimizer create(Backend backend, List<Matrix> parameters, double learningRate,
                Map<String, Object> options) {
            return new Sgd(backend, parameters, learningRate, Adam.number(options, "momentum"),
                    (Boolean) options.get("nesterov"), Adam.number(options, "weight_decay"));
        }
    }
}
