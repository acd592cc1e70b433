package org.nn4j.backend.nd4j;

import org.nn4j.api.RecurrentCell;

/**
 * {@link org.nn4j.api.Backend#recurrentForward} and {@link org.nn4j.api.Backend#recurrentBackward} for the
 * ND4J backends, on the matrices of one dtype: nn4j-backend-host's loop over the steps on host copies of
 * the projections, outputs and cache, each step's product with {@code W_hh} by OpenBLAS on nd4j-native's
 * memory (the host path) or by plain loops on a host copy of {@code W_hh} (the device path, whose matrices
 * need not be in host memory; it reports the two operations as round trips). Written once for float64
 * ({@link HostRecurrence64}), its float32 twin generated. Arguments are checked by the backend.
 */
abstract class HostRecurrence {

    abstract void forward(RecurrentCell cell, Nd4jMatrix projections, Nd4jMatrix weightHh, Nd4jMatrix biasHh,
            int[] lengths, boolean reverse, int steps, Nd4jMatrix out, Nd4jMatrix cache);

    abstract void backward(RecurrentCell cell, Nd4jMatrix weightHh, int[] lengths, boolean reverse, int steps,
            Nd4jMatrix out, Nd4jMatrix cache, Nd4jMatrix outGrad, Nd4jMatrix projectionsGrad, Nd4jMatrix weightHhGrad,
            Nd4jMatrix biasHhGrad);
}
