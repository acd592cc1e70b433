package org.nn4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;
import org.nn4j.nn.losses.MeanSquaredError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the assignment's worked example (a 2-2-1 sigmoid network, MSE) and print what its"
                + " Python code prints.")
final class DemoCommand implements Callable<Integer> {

    /** The assignment's network: weights as it sets them, zero biases, x = [[1, 1]], y = [[0]]. */
    static final GradientCase SEED_EXAMPLE = new GradientCase(2, List.of(2), 1, ActivationKind.SIGMOID,
            MeanSquaredError.LABEL,
            List.of(new double[][] {{0.5, 0.75}, {0.25, 0.25}}, new double[][] {{0.5}, {0.5}}),
            List.of(new double[][] {{0, 0}}, new double[][] {{0}}),
            new double[][] {{1, 1}}, new double[][] {{0}}, null);

    @Mixin
    BackendOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        NetworkFactory factory = options.injector().getInstance(NetworkFactory.class);
        GradientResult result = SEED_EXAMPLE.run(factory.backend(), factory.dtype());
        boolean float32 = factory.dtype() == DType.FLOAT32;
        PrintWriter out = spec.commandLine().getOut();
        out.println("Prediction: " + NumpyFormat.array(result.prediction(), float32));
        out.println("Loss: " + NumpyFormat.scalar(result.loss(), float32));
        out.println("Gradients of the first layer: W1: " + NumpyFormat.array(result.weightGrads().get(0), float32)
                + ", b1: " + NumpyFormat.array(result.biasGrads().get(0), float32));
        // "b2" without a colon, as the assignment prints it.
        out.println("Gradients of the second layer: W2: " + NumpyFormat.array(result.weightGrads().get(1), float32)
                + ", b2 " + NumpyFormat.array(result.biasGrads().get(1), float32));
        return 0;
    }
}
