package org.nn4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * Adam (Kingma and Ba) with bias correction, as PyTorch computes it. Its weight decay adds {@code wd ·
 * p} to the gradient first (L2, PyTorch's {@code Adam}); made by {@link #decoupled} (optimizer {@code
 * adamw}), the decay instead shrinks each parameter by {@code 1 - lr · wd} before the update,
 * PyTorch's {@code AdamW} (Loshchilov and Hutter).
 */
public final class Adam extends Optimizer {
    /** The first moment's decay, PyTorch's default. */
    public static final double BETA1 = 0.9;
    /** The second moment's decay, PyTorch's default. */
    public static final double BETA2 = 0.999;
    /** Added to the second moment's root, PyTorch's default. */
    public static final double EPSILON = 1e-8;
    /** Weight decay, an option of Adam and SGD. */
    static final OptimizerOption WEIGHT_DECAY = OptimizerOption.number("weight_decay", "weight decay", 0, 0, true,
            Double.NaN, false, "must be zero or a positive finite number", "L2 weight decay, added to the gradient");

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final List<Matrix> m;
    private final List<Matrix> v;
    /** AdamW's weight decay; -1 for Adam, whose decay is L2, added to the gradient. */
    private final double decoupledDecay;

    /**
     * Adam on {@code parameters} with PyTorch's default betas and epsilon; {@code weightDecay} as PyTorch's (L2, added to the gradient).
     */
    public Adam(Backend backend, List<Matrix> parameters, double learningRate, double weightDecay) {
        this(backend, parameters, learningRate, BETA1, BETA2, EPSILON, weightDecay);
    }

    /** Adam on {@code parameters}, as PyTorch's {@code Adam(lr, betas=(beta1, beta2), eps, weight_decay)}. */
    public Adam(Backend backend, List<Matrix> parameters, double learningRate, double beta1, double beta2,
            double epsilon, double weightDecay) {
        this(backend, parameters, learningRate, beta1, beta2, epsilon, weightDecay, -1);
    }

    private Adam(Backend backend, List<Matrix> parameters, double learningRate, double beta1, double beta2,
            double epsilon, double l2Decay, double decoupledDecay) {
        super(backend, parameters, learningRate, l2Decay);
        if (decoupledDecay != -1 && (!(decoupledDecay >= 0) || !Double.isFinite(decoupledDecay))) {
            throw new IllegalArgumentException("weight decay must be zero or positive, not " + decoupledDecay);
        }
        this.decoupledDecay = decoupledDecay;
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs betas in [0, 1) and a positive epsilon, not " + beta1 + ", "
                    + beta2 + ", " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = newState();
        this.v = newState();
    }

    /**
     * AdamW on {@code parameters}, as PyTorch's {@code AdamW(lr, betas=(beta1, beta2), eps, weight_decay)}:
     * each parameter is multiplied by {@code 1 - lr · weightDecay} before the Adam update.
     */
    public static Adam decoupled(Backend backend, List<Matrix> parameters, double learningRate, double beta1,
            double beta2, double epsilon, double weightDecay) {
        return new Adam(backend, parameters, learningRate, beta1, beta2, epsilon, 0, weightDecay);
    }

    @Override
    public String name() {
        return decoupledDecay >= 0 ? "adamw" : "adam";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("beta1", beta1);
        settings.put("beta2", beta2);
        settings.put("epsilon", epsilon);
        settings.put("weight_decay", decoupledDecay >= 0 ? decoupledDecay : weightDecay);
        return settings;
    }

    @Override
    public List<String> slots() {
        return List.of("m", "v");
    }

    @Override
    public Matrix state(String slot, int index) {
        switch (slot) {
            case "m":
                return m.get(index);
            case "v":
                return v.get(index);
            default:
                throw noSlot("adam", slot);
        }
    }

    @Override
    protected void update(int index, Matrix parameter, Matrix gradient, long step) {
        double stepSize = learningRate() / (1 - Math.pow(beta1, step));
        double vScale = 1 / Math.sqrt(1 - Math.pow(beta2, step));
        if (decoupledDecay > 0) {
            backend.scale(1 - learningRate() * decoupledDecay, parameter, parameter);
        }
        backend.adamUpdate(parameter, gradient, m.get(index), v.get(index), beta1, beta2, stepSize, vScale, epsilon);
    }

    /** The number option {@code name} of checked {@code options}. */
    static double number(Map<String, Object> options, String name) {
        return ((Number) options.get(name)).doubleValue();
    }

    /** {@code adam}: learning rate 1e-3 unless given; option {@code weight_decay} (0). */
    public static final class Type implements OptimizerType {
        @Override
        public String name() {
            return "adam";
        }

        @Override
        public String description() {
            return "Adam with PyTorch's betas (0.9, 0.999) and epsilon (1e-8)";
        }

        @Override
        public double defaultLearningRate() {
            return 1e-3;
        }

        @Override
        public List<OptimizerOption> options() {
            return List.of(WEIGHT_DECAY);
        }

        @Override
        public Optimizer create(Backend backend, List<Matrix> parameters, double learningRate,
                Map<String, Object> options) {
            return new Adam(backend, parameters, learningRate, number(options, "weight_decay"));
        }
    }

    /** {@code adamw}: learning rate 1e-3 unless given; option {@code weight_decay} (1e-2, decoupled). */
    public static final class AdamWType implements OptimizerType {
        static final OptimizerOption DECOUPLED_WEIGHT_DECAY = OptimizerOption.number("weight_decay", "weight decay",
                1e-2, 0, true, Double.NaN, false, "must be zero or a positive finite number",
                "decoupled weight decay: each parameter times 1 - lr * weight_decay before the update");

        @Override
        public String name() {
            return "adamw";
        }

        @Override
        public String description() {
            return "AdamW: Adam with decoupled weight decay (1e-2), PyTorch's betas (0.9, 0.999) and epsilon (1e-8)";
        }

        @Override
        public double defaultLearningRate() {
            return 1e-3;
        }

        @Override
        public List<OptimizerOption> options() {
            return List.of(DECOUPLED_WEIGHT_DECAY);
        }

        @Override
        public Optimizer create(Backend backend, List<Matrix> parameters, double learningRate,
                Map<String, Object> options) {
            return decoupled(backend, parameters, learningRate, BETA1, BETA2, EPSILON, number(options, "weight_decay"));
        }
    }
}
