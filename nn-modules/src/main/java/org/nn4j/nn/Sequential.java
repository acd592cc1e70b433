package org.nn4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Matrix;

/**
 * Modules applied one after another, as {@code torch.nn.Sequential}; the children are named {@code 0,
 * 1, ...}. Where a module offers to run its forward pass and the next one's in one step ({@link
 * Module#fuseWith}: a linear layer and the activation after it, its bias and the activation in one
 * pass), the step runs instead, with the same results.
 *
 * <p>{@link #initialize(Initialization)} initialises the modules first to last, each from the same
 * random source and knowing its neighbours, as the layers of a spec are when it is built.
 */
public final class Sequential extends Module {
    private final Module[] modules;
    private final FusedStep[] fusedWithNext;
    private final Map<String, Module> children;
    private SequenceMask outputMask;

    /** The modules, run in order. */
    public Sequential(List<? extends Module> modules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("a Sequential needs at least one module");
        }
        this.modules = modules.toArray(new Module[0]);
        this.fusedWithNext = new FusedStep[this.modules.length];
        for (int i = 0; i + 1 < this.modules.length; i++) {
            fusedWithNext[i] = this.modules[i].fuseWith(this.modules[i + 1]);
        }
        this.outputMask = propagate(null);
        Map<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < this.modules.length; i++) {
            named.put(Integer.toString(i), this.modules[i]);
        }
        this.children = java.util.Collections.unmodifiableMap(named);
    }

    /** The modules, run in order. */
    public Sequential(Module... modules) {
        this(List.of(modules));
    }

    /** The modules, first to last. */
    public List<Module> modules() {
        return List.of(modules);
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        Matrix h = x;
        for (int i = 0; i < modules.length; i++) {
            FusedStep fused = fusedWithNext[i];
            if (fused != null) {
                h = fused.forward(h, pass);
                i++;
            } else {
                h = modules[i].forward(h, pass);
            }
        }
        return h;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        Matrix g = grad;
        for (int i = modules.length - 1; i >= 0; i--) {
            g = modules[i].backward(g, i > 0 || inputGradient);
        }
        return g;
    }

    /** Initialises each module in turn, from {@code init}'s random source, knowing its neighbours. */
    @Override
    public void initialize(Initialization init) {
        for (int i = 0; i < modules.length; i++) {
            List<Module> before = new java.util.ArrayList<>(List.of(modules).subList(0, i));
            java.util.Collections.reverse(before);
            modules[i].initialize(init.at(i, before, List.of(modules).subList(i + 1, modules.length)));
        }
    }

    /**
     * Hands {@code input} to the first module and each module's mask to the next (done from none when
     * this Sequential is made; again when it is part of another after a module that masks), and returns
     * the last module's.
     */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        if (input != null) {
            outputMask = propagate(input);
        }
        return outputMask;
    }

    private SequenceMask propagate(SequenceMask input) {
        SequenceMask mask = input;
        for (Module module : modules) {
            mask = module.propagateMask(mask);
        }
        return mask;
    }

    @Override
    public Shape outputShape(Shape input) {
        Shape shape = input;
        for (Module module : modules) {
            shape = module.outputShape(shape);
        }
        return shape;
    }

    @Override
    public Map<String, Module> children() {
        return children;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Sequential(");
        for (int i = 0; i < modules.length; i++) {
            s.append(i == 0 ? "" : ", ").append(modules[i]);
        }
        return s.append(')').toString();
    }
}
