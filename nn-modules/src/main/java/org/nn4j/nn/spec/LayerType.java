package org.nn4j.nn.spec;

import java.util.List;
import java.util.Map;
import org.nn4j.nn.Module;

/**
 * A kind of layer that a model spec can name, found through {@link java.util.ServiceLoader} (list the
 * class in {@code META-INF/services/org.nn4j.nn.spec.LayerType}) or added by a Guice binding. The
 * built-in layers are registered the same way.
 *
 * <p>A type reads a spec's entry into a module ({@link #create}) and writes a module back out as its
 * entry ({@link #write}): so a model built in Java from modules ({@link org.nn4j.nn.Model#of}) has a
 * spec, and saves, loads and trains on a cluster as one from a spec file does.
 */
public interface LayerType {

    /** The name a spec's {@code type} gives, for example {@code linear}. */
    String name();

    /** One line for {@code nn layers}. */
    String description();

    /** What the layer takes, in the order of PyTorch's constructor. */
    List<HyperParameter> hyperParameters();

    /**
     * A new layer for {@code config}, whose values have been checked against {@link #hyperParameters()}.
     *
     * @throws RuntimeException (best made with {@link LayerConfig#error}) when the values do
     *     not fit the input shape
     */
    Module create(LayerConfig config);

    /**
     * The hyper-parameters of {@code module} as this type's entry in a spec would give them (without
     * {@code type}), when {@code module} is one of this type's; null when it is not. Values are
     * Integer, Double, Boolean, String, or {@code int[]} for a pair; those left out take their
     * defaults, and {@link #create} on the entry must make a module like {@code module}. nn4j's own
     * types write the values a spec must give and those that differ from their defaults.
     *
     * <p>The default writes nothing: a model built in Java with modules of a type that does not
     * override it has no spec, and {@link org.nn4j.nn.Model#of} refuses it, naming the module.
     */
    default Map<String, Object> write(Module module) {
        return null;
    }
}
