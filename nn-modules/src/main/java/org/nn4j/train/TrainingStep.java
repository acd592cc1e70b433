package org.nn4j.train;

import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.TokenIds;

/**
 * One update of a model from one batch: copy the batch in, forward in training mode, loss, backward
 * (without the input gradient, which nothing needs), optimizer step. Its matrices are made once per
 * batch size, so that steady-state training allocates nothing of its own.
 */
public final class TrainingStep {
    private final Model network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Pass pass;
    private final Buffers inputs;
    private final Buffers targets;
    private final Buffers outputGrads;
    private TokenIds tokens;

    /** @param seed the run's seed, from which dropout and other random layers draw */
    public TrainingStep(Model network, Loss loss, Optimizer optimizer, long seed) {
        Backend backend = network.backend();
        this.network = network;
        this.loss = loss;
        this.optimizer = optimizer;
        this.pass = Pass.training(seed);
        this.inputs = new Buffers(backend);
        this.targets = new Buffers(backend);
        this.outputGrads = new Buffers(backend);
    }

    /**
     * Trains on {@code count} examples: features {@code x} ({@code count x inputSize}, row-major) and
     * one-hot targets {@code y} ({@code count x outputSize}); both arrays hold exactly that much. Row
     * {@code r} is example {@code order[from + r]} of the training set in epoch {@code epoch}, which
     * keys its random draws.
     *
     * @return the batch's mean loss before the update; when it is not finite, no update was made
     */
    public double run(float[] x, float[] y, int count, int epoch, int[] order, int from) {
        pass.keyRows(epoch, order, from, count);
        Backend backend = network.backend();
        DType dtype = network.dtype();
        Matrix xm = inputs.get(dtype, count, network.inputSize());
        backend.copyIn(x, xm);
        return update(xm, y, count);
    }

    /**
     * As {@link #run(float[], float[], int, int, int[], int)}, for a model that takes token ids: {@code ids}
     * holds {@code count x inputSize} ids, row-major (it may be longer).
     */
    public double run(int[] ids, float[] y, int count, int epoch, int[] order, int from) {
        pass.keyRows(epoch, order, from, count);
        if (tokens == null) {
            tokens = new TokenIds(network.dtype(), network.inputSize());
        }
        tokens.set(ids, 0, count);
        return update(tokens, y, count);
    }

    private double update(Matrix xm, float[] y, int count) {
        Backend backend = network.backend();
        DType dtype = network.dtype();
        Matrix ym = targets.get(dtype, count, network.outputSize());
        backend.copyIn(y, ym);
        Matrix output = network.forward(xm, pass);
        Matrix grad = outputGrads.get(dtype, count, network.outputSize());
        double batchLoss = loss.forwardBackward(output, ym, grad);
        if (!Double.isFinite(batchLoss)) {
            return batchLoss;
        }
        network.backward(grad, false);
        optimizer.step(network.parameterGradients());
        return batchLoss;
    }
}
