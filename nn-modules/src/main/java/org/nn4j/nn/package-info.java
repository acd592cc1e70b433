/**
 * The core types, written against the Backend SPI alone: {@link org.nn4j.nn.Module} (a layer or a
 * container of layers, as {@code torch.nn.Module}) and {@link org.nn4j.nn.Sequential}, with
 * parameters ({@link org.nn4j.nn.Parameter}) and buffers named as in PyTorch's {@code state_dict};
 * {@link org.nn4j.nn.Model} (a {@code Sequential} with its input {@link org.nn4j.nn.Shape}, its
 * {@link org.nn4j.nn.Loss} and its spec), {@link org.nn4j.nn.Pass} (training or evaluation, and the
 * randomness of a batch) and {@link org.nn4j.nn.Predictor} (inference from many threads). The layers
 * are in {@code org.nn4j.nn.layers}, the losses in {@code org.nn4j.nn.losses}, model specs and the
 * registry of layer types in {@code org.nn4j.nn.spec}; the seed assignment's API is {@code
 * org.nn4j.seed}, a facade over these.
 *
 * <p>Shapes follow the batch-first convention: a batch of {@code n} inputs of size {@code d} is an
 * {@code n x d} matrix, one example per row.
 */
package org.nn4j.nn;
