package org.nn4j.nn.spec;

import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.nn.Loss;

/**
 * A loss that a model spec can name, found through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.nn4j.nn.spec.LossType}) like {@link LayerType}.
 */
public interface LossType {

    /** The name a spec gives, for example {@code mse}. */
    String name();

    /** Other names for it, for example {@code ce}; none by default. */
    default List<String> aliases() {
        return List.of();
    }

    /**
     * Whether the loss compares outputs with real-valued targets, one output each (regression), rather
     * than with classes; false by default. Training data is read for the task its model's loss is for.
     */
    default boolean regression() {
        return false;
    }

    /** One line for {@code nn layers}. */
    String description();

    /** The loss on {@code backend}. */
    Loss create(Backend backend);
}
