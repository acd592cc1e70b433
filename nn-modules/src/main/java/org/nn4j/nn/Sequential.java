package org.nn4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Matrix;

/** Modules applied one after another, as {@code torch.nn.Sequential}; the children are named {@code 0, 1, ...}. */
public final class Sequential extends Module {
    private final Module[] modules;
    private final Map<String, Module> children;

    public Sequential(List<? extends Module> modules) {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("a Sequential needs at least one module");
        }
        this.modules = modules.toArray(new Module[0]);
        Map<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < this.modules.length; i++) {
            named.put(Integer.toString(i), this.modules[i]);
        }
        this.children = java.util.Collections.unmodifiableMap(named);
    }

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
        for (Module module : modules) {
            h = module.forward(h, pass);
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
