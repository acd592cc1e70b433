package org.nn4j.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.Loss;
import org.nn4j.nn.NeuralNetwork;
import org.nn4j.nn.WeightInit;

/**
 * What an executor needs to rebuild the driver's network: its sizes, activation, loss, dtype and the
 * backend to compute on. Weights travel separately, by broadcast, every step.
 *
 * @param sizes input size, hidden sizes, output size
 */
record ModelSpec(List<Integer> sizes, String activation, String loss, String dtype, String backendName)
        implements Serializable {

    static ModelSpec of(NeuralNetwork network, String loss, String backend) {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(network.inputSize());
        network.layers().forEach(layer -> sizes.add(layer.outputSize()));
        return new ModelSpec(List.copyOf(sizes), network.activation().label(), loss, network.dtype().label(), backend);
    }

    /** A network of this shape on this executor's backend (its weights are set before each use). */
    NeuralNetwork build(Backend on) {
        return new NeuralNetwork(on, DType.select(dtype, DType.FLOAT64), sizes.get(0), sizes.get(sizes.size() - 1),
                sizes.subList(1, sizes.size() - 1), ActivationKind.byLabel(activation), WeightInit.RANDN, 0);
    }

    /** The backend named, made on the executor that calls this. */
    Backend newBackend() {
        return Backends.select(backendName);
    }

    Loss lossOn(Backend on) {
        return Loss.byLabel(on, loss);
    }
}
