package org.nn4j.nn.spec;

import java.util.List;
import org.nn4j.nn.Module;

/**
 * A kind of layer that a model spec can name, found through {@link java.util.ServiceLoader} (list the
 * class in {@code META-INF/services/org.nn4j.nn.spec.LayerType}) or added by a Guice binding. The
 * built-in layers are registered the same way.
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
}
