package org.nn4j.cli;

import java.util.List;
import org.nn4j.api.ActivationKind;
import org.nn4j.io.InvalidInputException;
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
            description = "adam or sgd (default: ${DEFAULT-VALUE}).")
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

    /** Refuses an --optimizer other than adam and sgd. */
    void checkOptimizer() {
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new InvalidInputException("--optimizer: unknown optimizer '" + optimizer + "'; expected adam or sgd");
        }
    }

    /** The learning rate given, or the optimizer's default: 0.001 for adam, 0.05 for sgd. */
    double learningRate(Double given) {
        return given != null ? given : optimizer.equals("sgd") ? 0.05 : 1e-3;
    }
}
