package org.nn4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Linear;

/**
 * Modules applied one after another, as {@code torch.nn.Sequential}; the children are named {@code 0,
 * 1, ...}. One step is fused: a {@link Linear} layer with a bias followed by an {@link
 * ActivationLayer} runs its bias and activation in one pass ({@link
 * org.nn4j.api.Backend#biasActivation}), with the same results.
 */
public final class Sequential extends Module {
    private final Module[] modules;
    private final boolean[] fusedWithNext;
    private final Map<String, Module> children;

    /** The modules, run in order. */
    public Sequential(List<? extends Module> modules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("a Sequential needs at least one module");
        }
        this.modules = modules.toArray(new Module[0]);
        this.fusedWithNext = new boolean[this.modules.length];
        for (int i = 0; i + 1 < this.modules.length; i++) {
            fusedWithNext[i] = this.modules[i] instanceof Linear linear && linear.bias() != null
                    && this.modules[i + 1] instanceof ActivationLayer;
        }
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
            if (fusedWithNext[i]) {
                h = ((Linear) modules[i]).forwardActivated(h, (ActivationLayer) modules[++i]);
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
