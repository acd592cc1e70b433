package org.nn4j.nn;

import org.nn4j.api.Matrix;

/**
 * A trained tensor of a module: its value and the gradient that the module's last backward pass wrote.
 *
 * @param name the module's own name for it ({@code weight}); containers prefix it ({@code 0.weight})
 * @param value the parameter, owned by the module
 * @param grad {@code dL/d(value)}, same shape, overwritten by each backward pass
 * @param layout how PyTorch lays it out
 */
public record Parameter(String name, Matrix value, Matrix grad, TensorLayout layout) {
}
