/**
 * The seed assignment's API, as it was set: {@link org.nn4j.seed.NeuralNetwork} (an MLP whose {@code
 * backward} returns the input gradient and the weight and bias gradients per layer), {@link
 * org.nn4j.seed.FullyConnectedLayer} (whose {@code backward} returns the input, weight and bias
 * gradients), and the activations {@link org.nn4j.seed.Sigmoid}, {@link org.nn4j.seed.Tanh} and
 * {@link org.nn4j.seed.ReLU}; its losses are {@link org.nn4j.nn.losses.MeanSquaredError} and {@link
 * org.nn4j.nn.losses.SoftmaxCrossEntropy}.
 *
 * <p>A thin facade: every class here is a view of the module system ({@link org.nn4j.nn.Model},
 * {@link org.nn4j.nn.layers.Linear}, {@link org.nn4j.nn.layers.ActivationLayer}), which computes, and
 * nothing in nn4j depends on it. New code builds models from {@code org.nn4j.nn} and its {@code
 * layers} directly.
 */
package org.nn4j.seed;
