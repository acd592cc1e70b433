package org.nn4j.inject;

import jakarta.inject.Inject;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.nn.Loss;
import org.nn4j.nn.NeuralNetwork;

/** Makes networks and losses on the injected backend and dtype. */
public final class NetworkFactory {
    private final Backend backend;
    private final DType dtype;

    @Inject
    public NetworkFactory(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    /** A network builder already set to this backend and dtype. */
    public NeuralNetwork.Builder network() {
        return NeuralNetwork.builder(backend).dtype(dtype);
    }

    /**
     * The loss named {@code label}.
     *
     * @throws IllegalArgumentException when there is none of that name
     */
    public Loss loss(String label) {
        Loss loss = Loss.byLabel(backend, label);
        if (loss == null) {
            throw new IllegalArgumentException("unknown loss '" + label + "'");
        }
        return loss;
    }
}
