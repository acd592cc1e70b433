package org.nn4j.seed;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;

/** The hyperbolic tangent. */
public final class Tanh extends Activation {
    /** Tanh on {@code backend}. */
    public Tanh(Backend backend) {
        super(backend, ActivationKind.TANH);
    }
}
