package org.nn4j.nn;

import org.nn4j.api.Matrix;

/**
 * A module's state that is not trained, such as batch normalisation's running statistics: what PyTorch
 * calls a buffer.
 *
 * @param name the module's own name for it ({@code running_mean})
 * @param value the state, owned by the module
 * @param layout how PyTorch lays it out
 */
public record NamedMatrix(String name, Matrix value, TensorLayout layout) {
}
