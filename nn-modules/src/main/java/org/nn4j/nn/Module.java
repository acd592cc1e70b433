package org.nn4j.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.Matrix;

/**
 * A layer, or a container of layers, as {@code torch.nn.Module}: a forward pass over a batch ({@code n
 * x inputSize}, one example per row), a backward pass through the last forward, named parameters and
 * buffers.
 *
 * <p>Matrices a module returns are its own buffers, made once per batch size: they stay valid until
 * its next forward (outputs) or backward (input gradients). A module may keep a reference to its
 * input until its backward pass, so the input must not change in between.
 *
 * <p>A layer made with {@code new} takes its hyper-parameters, and draws its initial weights when it
 * is initialised: {@link Model#of} initialises every layer of a model from one seed, as a model built
 * from a spec with that seed is ({@link #initialize(long)} does it for a module on its own). A layer
 * with drawn weights that was never initialised refuses to compute.
 */
public abstract class Module {

    /**
     * A forward pass of two neighbouring modules in one step: what {@link #fuseWith} offers, for a
     * {@link Sequential} to run instead of the two passes.
     */
    @FunctionalInterface
    public interface FusedStep {
        /** The output of the second module for {@code x}, the first module's input. */
        Matrix forward(Matrix x, Pass pass);
    }

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

    /**
     * Draws this module's initial state from {@code init}: its weights from {@link
     * Initialization#random()} (a module takes its draws in one go, so that the modules of a model
     * draw one after another), its biases and statistics reset. The default does nothing: a module
     * without initial state to draw. A container initialises its modules in order.
     */
    public void initialize(Initialization init) {
    }

    /**
     * Initialises this module on its own from {@code seed}, as the first layer of a model built with
     * that seed (a {@link Sequential}: each of its modules in turn, as a spec of them would be).
     */
    public final void initialize(long seed) {
        initialize(Initialization.of(new Random(seed)));
    }

    /**
     * The nonlinearity this module applies, by the names of {@code torch.nn.init.calculate_gain}
     * ({@code relu}, {@code leaky_relu}, {@code tanh}, {@code sigmoid}), for layers beside it that
     * choose their initial weights by it ({@link Initialization#automatic()}); null (the default)
     * for a module that is not one of these.
     */
    public String nonlinearity() {
        return null;
    }

    /**
     * This module's forward pass and {@code next}'s as one step, when this module can run them
     * together, else null (the default). {@link Sequential} asks each module about the one after it
     * once, when it is made, and runs the step instead of the two passes: it must give what the two
     * passes give one after the other, and leave both modules ready for their own backward passes.
     * ({@link org.nn4j.nn.layers.Linear} offers one for an activation after it: its bias and the
     * activation in one pass.)
     */
    public FusedStep fuseWith(Module next) {
        return null;
    }

    /**
     * Tells this module which steps of its input are padding, and returns the mask of its output: called
     * once, by the {@link Sequential} the module is made part of, with the mask of the module before
     * (null when its input is not a padded sequence). A module that keeps the step axis (a per-step
     * linear layer, an activation, a recurrent layer) returns {@code input}, as the default does; one that
     * makes the padding known returns its own mask (an embedding with a {@code padding_idx}); one that
     * consumes the step axis returns null (a pooling over steps, a flatten). A module that treats padded
     * steps differently keeps {@code input} and reads its lengths in each pass.
     */
    public SequenceMask propagateMask(SequenceMask input) {
        return input;
    }

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
