package org.nn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;
import org.nn4j.io.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gradients", mixinStandardHelpOptions = true,
        description = {"Run one forward and backward pass of a case file (the format of the golden files) and",
            "print prediction, loss, input_grad, weight_grads and bias_grads as one JSON object."})
final class GradientsCommand implements Callable<Integer> {

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The case file (JSON).")
    Path spec;

    @Mixin
    BackendOptions options;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws JsonProcessingException {
        NetworkFactory factory = options.injector().getInstance(NetworkFactory.class);
        GradientCase gradientCase = GradientCase.read(spec);
        GradientResult result = gradientCase.run(factory.backend(), factory.dtype());
        if (!result.isFinite()) {
            throw new InvalidInputException(spec + ": the pass overflowed to a value that is not finite (loss "
                    + result.loss() + ") in " + factory.dtype() + "; the weights or inputs are too large for it");
        }
        command.commandLine().getOut().println(
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.toJson()));
        return 0;
    }
}
