package org.nn4j.seed;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;

/** The rectifier {@code max(0, x)}. */
public final class ReLU extends Activation {
    /** ReLU on {@code backend}. */
    public ReLU(Backend backend) {
        super(backend, ActivationKind.RELU);
    }
}
