package org.nn4j.train;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * A kind of optimizer that runs and model files name, found through {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.nn4j.train.OptimizerType}) as layer types are;
 * nn4j's own, {@code adam} and {@code sgd}, are registered the same way. {@link Optimizers} finds them
 * by name and checks the options given.
 */
public interface OptimizerType {

    /** The name runs and model files give, for example {@code adam}. */
    String name();

    /** One line for the user. */
    String description();

    /** The learning rate when none is given: 1e-3 for Adam, 0.05 for SGD. */
    double defaultLearningRate();

    /** The options it takes besides the learning rate, in the order they are checked. */
    List<OptimizerOption> options();

    /**
     * Checks what {@link OptimizerOption#check} cannot see alone: how the options go together (SGD's
     * Nesterov momentum needs a momentum). Nothing by default.
     *
     * @param options every option, checked, defaults filled in
     * @param names how messages name the options
     * @throws org.nn4j.io.InvalidInputException naming the options at fault
     */
    default void check(Map<String, Object> options, UnaryOperator<String> names) {
    }

    /**
     * A new optimizer of {@code parameters} on {@code backend}.
     *
     * @param options every option of {@link #options()}, checked (a {@code Double} or {@code Boolean} each)
     */
    Optimizer create(Backend backend, List<Matrix> parameters, double learningRate, Map<String, Object> options);
}
