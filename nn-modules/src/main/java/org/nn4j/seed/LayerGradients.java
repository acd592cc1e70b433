package org.nn4j.seed;

import org.nn4j.api.Matrix;

/**
 * What {@link FullyConnectedLayer#backward} returns.
 *
 * @param input {@code dL/dx}, {@code n x in}
 * @param weights {@code dL/dW}, {@code in x out}
 * @param bias {@code dL/db}, {@code 1 x out}
 */
public record LayerGradients(Matrix input, Matrix weights, Matrix bias) {
}
