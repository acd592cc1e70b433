package org.nn4j.seed;

import java.util.List;
import org.nn4j.api.Matrix;

/**
 * What {@link NeuralNetwork#backward} returns.
 *
 * @param input {@code dL/dx}, {@code n x inputSize}
 * @param weights {@code dL/dW} of each layer, first layer first
 * @param biases {@code dL/db} of each layer, first layer first
 */
public record NetworkGradients(Matrix input, List<Matrix> weights, List<Matrix> biases) {
}
