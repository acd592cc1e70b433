package org.nn4j.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Matrix;

/**
 * A layer, or a container of layers, as {@code torch.nn.Module}: a forward pass over a batch ({@code n
 * x inputSize}, one example per row), a backward pass through the last forward, named parameters and
 * buffers.
 *
 * <p>Matrices a module returns are its own buffers, made once per batch size: they stay valid until
 * its next forward (outputs) or backward (input gradients). A module may keep a reference to its
 * input until its backward pass, so the input must not change in between.
 */
public abstract class Module {

    /** The output for {@code x}; {@code x} must match the shape the module was built for. */
    public abstract Matrix forward(Matrix x, Pass pass);

    /**
     * Backpropagates {@code grad = dL/d(output)} through the last {@link #forward}: writes every
     * parameter's gradient and returns {@code dL/dx}, or null without {@code inputGradient} (the first
     * layer's input gradient is not needed for training).
     */
    public abstract Matrix backward(Matrix grad, boolean inputGradient);

    /**
     * The shape of one example of output for one of {@code input}.
     *
     * @throws IllegalArgumentException when the module does not take that input
     */
    public abstract Shape outputShape(Shape input);

    /** This module's own parameters, in PyTorch's order, named as PyTorch names them. */
    public List<Parameter> parameters() {
        return List.of();
    }

    /** This module's own buffers, in PyTorch's order. */
    public List<NamedMatrix> buffers() {
        return List.of();
    }

    /** The modules this one contains, by name ({@code "0"}, {@code "1"}... for a {@link Sequential}). */
    public Map<String, Module> children() {
        return Map.of();
    }

    /** Every parameter of this module and those it contains, keyed as PyTorch's {@code state_dict} keys them. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", this, out, null);
        return Collections.unmodifiableMap(out);
    }

    /** Every buffer of this module and those it contains, keyed as PyTorch's {@code state_dict} keys them. */
    public final Map<String, NamedMatrix> namedBuffers() {
        Map<String, NamedMatrix> out = new LinkedHashMap<>();
        collect("", this, null, out);
        return Collections.unmodifiableMap(out);
    }

    private static void collect(String prefix, Module module, Map<String, Parameter> parameters,
            Map<String, NamedMatrix> buffers) {
        if (parameters != null) {
            module.parameters().forEach(p -> parameters.put(prefix + p.name(), p));
        }
        if (buffers != null) {
            module.buffers().forEach(b -> buffers.put(prefix + b.name(), b));
        }
        module.children().forEach((name, child) -> collect(prefix + name + ".", child, parameters, buffers));
    }
}
