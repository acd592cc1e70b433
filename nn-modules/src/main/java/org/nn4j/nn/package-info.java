/**
 * Layers, activations, losses and the network, with vectorised forward and backward passes written
 * against the Backend SPI alone.
 *
 * <p>Shapes follow the batch-first convention: a batch of {@code n} inputs of size {@code d} is an
 * {@code n x d} matrix, one example per row. Every {@code backward} mirrors the original assignment:
 * a layer returns (input gradient, weight gradient, bias gradient); the network returns (input
 * gradient, weight gradients per layer, bias gradients per layer).
 */
package org.nn4j.nn;
