package org.nn4j.cli;

import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.Optimizers;
import picocli.CommandLine.Option;

/** The network and optimizer flags that {@code train} and {@code bench} share. */
final class ModelOptions {

    @Option(names = "--hidden", split = ",", paramLabel = "SIZES", defaultValue = "256,128",
            description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu",
            description = "relu, tanh or sigmoid (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam, adamw (decoupled weight decay) or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "Examples per update (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The activation named by {@code --activation}. */
    ActivationKind activationKind() {
        ActivationKind kind = ActivationKind.byLabel(activation);
        if (kind == null) {
            throw new InvalidInputException("unknown --activation '" + activation + "'; expected relu, tanh or sigmoid");
        }
        return kind;
    }

    /** Refuses an --optimizer that nn4j does not know (adam, adamw and sgd). */
    void checkOptimizer() {
        Optimizers.builtIn().check(optimizer, null, Map.of(), ModelOptions::flag);
    }

    /**
     * The flag by which nn's messages name a setting of the library's ({@code learning_rate}: {@code
     * --lr}; {@code weight_decay}: {@code --weight-decay}).
     */
    static String flag(String key) {
        return key.equals("learning_rate") ? "--lr" : "--" + key.replace('_', '-');
    }
}
