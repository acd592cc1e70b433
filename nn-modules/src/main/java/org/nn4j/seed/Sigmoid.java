package org.nn4j.seed;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;

/** The logistic function {@code 1 / (1 + exp(-x))}. */
public final class Sigmoid extends Activation {
    /** The sigmoid on {@code backend}. */
    public Sigmoid(Backend backend) {
        super(backend, ActivationKind.SIGMOID);
    }
}
