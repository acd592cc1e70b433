package org.nn4j.inject;

import jakarta.inject.Inject;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** Makes models and losses on the injected backend, dtype and registry of layer types. */
public final class NetworkFactory {
    private final Backend backend;
    private final DType dtype;
    private final ModuleRegistry registry;

    /** Builds on {@code backend} in {@code dtype}, with the layer types of {@code registry}. */
    @Inject
    public NetworkFactory(Backend backend, DType dtype, ModuleRegistry registry) {
        this.backend = backend;
        this.dtype = dtype;
        this.registry = registry;
    }

    /** The layer types and losses specs may name. */
    public ModuleRegistry registry() {
        return registry;
    }

    /**
     * The model {@code spec} describes, its initial weights drawn from {@code seed}.
     *
     * @throws org.nn4j.io.InvalidInputException naming the layer and key at fault
     */
    public Model model(ModelSpec spec, long seed) {
        return registry.build(spec, backend, dtype, seed, "model spec");
    }

    /**
     * The model of {@code layers} (made on {@link #backend()} in {@link #dtype()}), its spec written
     * from them with this factory's layer types, every layer initialised from {@code seed}: see {@link
     * Model#of}.
     */
    public Model model(Shape input, Sequential layers, Loss loss, long seed) {
        return registry.model(backend, dtype, input, layers, loss, seed);
    }

    /** The backend models are built on. */
    public Backend backend() {
        return backend;
    }

    /** The dtype models are built in. */
    public DType dtype() {
        return dtype;
    }

    /**
     * The loss named {@code label}.
     *
     * @throws IllegalArgumentException when there is none of that name
     */
    public Loss loss(String label) {
        if (registry.lossType(label) == null) {
            throw new IllegalArgumentException("unknown loss '" + label + "'");
        }
        return registry.lossType(label).create(backend);
    }
}
