package org.nn4j.train;

import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;
import org.nn4j.nn.NeuralNetwork;

/**
 * One update of a network from one batch: copy the batch in, forward, loss, backward (without the
 * input gradient, which nothing needs), optimizer step. Its matrices are made once per batch size, so
 * that steady-state training allocates nothing of its own.
 */
public final class TrainingStep {
    private final NeuralNetwork network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Buffers inputs;
    private final Buffers targets;
    private final Buffers outputGrads;

    public TrainingStep(NeuralNetwork network, Loss loss, Optimizer optimizer) {
        Backend backend = network.backend();
        this.network = network;
        this.loss = loss;
        this.optimizer = optimizer;
        this.inputs = new Buffers(backend);
        this.targets = new Buffers(backend);
        this.outputGrads = new Buffers(backend);
    }

    /**
     * Trains on {@code count} examples: features {@code x} ({@code count x inputSize}, row-major) and
     * one-hot targets {@code y} ({@code count x outputSize}); both arrays hold exactly that much.
     *
     * @return the batch's mean loss before the update; when it is not finite, no update was made
     */
    public double run(float[] x, float[] y, int count) {
        Backend backend = network.backend();
        DType dtype = network.dtype();
        Matrix xm = inputs.get(dtype, count, network.inputSize());
        Matrix ym = targets.get(dtype, count, network.outputSize());
        backend.copyIn(x, xm);
        backend.copyIn(y, ym);
        Matrix output = network.forward(xm);
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
