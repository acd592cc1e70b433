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

    /**
     * A normalisation's per-feature scale and shift, PyTorch's {@code weight} (ones) and {@code bias}
     * (zeros), each {@code 1 x features}.
     */
    public static java.util.List<Parameter> affine(org.nn4j.api.Backend backend, org.nn4j.api.DType dtype,
            int features) {
        Matrix weight = backend.zeros(dtype, 1, features);
        backend.fill(weight, 1);
        return java.util.List.of(
                new Parameter("weight", weight, backend.zeros(dtype, 1, features), TensorLayout.VECTOR),
                new Parameter("bias", backend.zeros(dtype, 1, features), backend.zeros(dtype, 1, features),
                        TensorLayout.VECTOR));
    }
}
