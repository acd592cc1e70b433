/**
 * Layers, activations, losses and the network, with vectorised forward and backward passes written
 * against the Backend SPI alone. {@link org.nn4j.nn.Module} and {@link org.nn4j.nn.Sequential} compose
 * layers as {@code torch.nn} does, with parameters and buffers named as in its {@code state_dict};
 * {@link org.nn4j.nn.Model} is a built spec with its loss; {@link org.nn4j.nn.NeuralNetwork} is the
 * seed assignment's MLP on top of them.
 *
 * <p>Shapes follow the batch-first convention: a batch of {@code n} inputs of size {@code d} is an
 * {@code n x d} matrix, one example per row. Every {@code backward} mirrors the original assignment:
 * a layer returns (input gradient, weight gradient, bias gradient); the network returns (input
 * gradient, weight gradients per layer, bias gradients per layer).
 */
package org.nn4j.nn;
