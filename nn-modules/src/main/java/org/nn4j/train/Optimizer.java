package org.nn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * Updates parameters from their gradients. An optimizer is made for one list of parameters and keeps
 * its state (momentum, moment estimates) in matrices of their shapes, made once; those are what a
 * checkpoint saves and a resumed run restores.
 */
public abstract class Optimizer {
    /**
     * Global gradient-norm clipping, an option every optimizer takes (0: none): see {@link
     * #clipGradNorm(double)}.
     */
    public static final OptimizerOption CLIP_GRAD_NORM = OptimizerOption.number("clip_grad_norm",
            "the gradient norm limit", 0, 0, true, Double.NaN, false, "must be zero (none) or a positive finite number",
            "scales all gradients together so that their norm is at most this before each update (0: never)");
    /** The backend the updates compute on. */
    protected final Backend backend;
    /** What the optimizer updates. */
    protected final List<Matrix> parameters;
    /** L2 weight decay, added to the gradient as PyTorch does. */
    protected final double weightDecay;
    private double learningRate;
    private long steps;
    private double maxGradNorm;
    private double lastGradNorm = Double.NaN;

    /** An optimizer of {@code parameters} on {@code backend}. */
    protected Optimizer(Backend backend, List<Matrix> parameters, double learningRate, double weightDecay) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number, not " + learningRate);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be zero or positive, not " + weightDecay);
        }
        this.backend = backend;
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    /** {@code sgd} or {@code adam}. */
    public abstract String name();

    /** The settings that define this optimizer besides the learning rate, for model files. */
    public abstract Map<String, Object> settings();

    /** The names of the state each parameter has, for example {@code m} and {@code v}. */
    public abstract List<String> slots();

    /** The state {@code slot} of parameter {@code index}. */
    public abstract Matrix state(String slot, int index);

    /** One update of every parameter from {@code gradients} (same order); may change the gradients. */
    public final void step(List<Matrix> gradients) {
        steps++;
        if (maxGradNorm > 0) {
            clip(gradients);
        }
        for (int i = 0; i < parameters.size(); i++) {
            Matrix gradient = gradients.get(i);
            if (weightDecay != 0) {
                backend.axpby(1, gradient, weightDecay, parameters.get(i), gradient);
            }
            update(i, parameters.get(i), gradient, steps);
        }
    }

    /**
     * Clips the gradients before each update from now on, as {@code torch.nn.utils.clip_grad_norm_(
     * parameters, maxNorm)} does before {@code optimizer.step()}: when the norm of all gradients together
     * (the root of the sum of their squares) is {@code total}, each is multiplied by {@code maxNorm /
     * (total + 1e-6)} if that is below 1. A gradient that is not finite is left as it is (the run's
     * divergence check sees it). 0 turns clipping off.
     *
     * @return this optimizer
     * @throws IllegalArgumentException when {@code maxNorm} is negative or not finite
     */
    public Optimizer clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("the gradient norm limit must be zero (none) or a positive finite"
                    + " number, not " + maxNorm);
        }
        this.maxGradNorm = maxNorm;
        return this;
    }

    /** The gradient norm limit, 0 when gradients are not clipped. */
    public double maxGradNorm() {
        return maxGradNorm;
    }

    /** The norm of all gradients together at the last step, before clipping; NaN when nothing is clipped. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    private void clip(List<Matrix> gradients) {
        double squares = 0;
        for (Matrix g : gradients) {
            squares += backend.dot(g, g);
        }
        lastGradNorm = Math.sqrt(squares);
        double coefficient = maxGradNorm / (lastGradNorm + 1e-6);
        if (coefficient < 1) {
            for (Matrix g : gradients) {
                backend.scale(coefficient, g, g);
            }
        }
    }

    /** Updates one parameter; {@code step} counts from 1. */
    protected abstract void update(int index, Matrix parameter, Matrix gradient, long step);

    /** The learning rate of the next step. */
    public double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate of the steps from now on. */
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    /** Updates made so far. */
    public long steps() {
        return steps;
    }

    /** Continues after {@code steps} updates made by an earlier run, whose state was restored. */
    public void resumeAfter(long steps) {
        this.steps = steps;
    }

    /** The state of every parameter, slot by slot. */
    public List<Matrix> stateMatrices(String slot) {
        List<Matrix> matrices = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            matrices.add(state(slot, i));
        }
        return matrices;
    }

    /** The state matrices of one slot, one per parameter, zeroed. */
    protected List<Matrix> newState() {
        List<Matrix> state = new ArrayList<>();
        for (Matrix p : parameters) {
            state.add(backend.zeros(p.dtype(), p.rows(), p.cols()));
        }
        return List.copyOf(state);
    }

    /** The error for a state slot the optimizer does not have. */
    protected static IllegalArgumentException noSlot(String optimizer, String slot) {
        return new IllegalArgumentException(optimizer + " has no state '" + slot + "'");
    }
}
