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
    /** The backend the updates compute on. */
    protected final Backend backend;
    /** What the optimizer updates. */
    protected final List<Matrix> parameters;
    /** L2 weight decay, added to the gradient as PyTorch does. */
    protected final double weightDecay;
    private double learningRate;
    private long steps;

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
        for (int i = 0; i < parameters.size(); i++) {
            Matrix gradient = gradients.get(i);
            if (weightDecay != 0) {
                backend.axpby(1, gradient, weightDecay, parameters.get(i), gradient);
            }
            update(i, parameters.get(i), gradient, steps);
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
