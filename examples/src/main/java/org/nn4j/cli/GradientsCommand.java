package org.nn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModuleCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gradients", mixinStandardHelpOptions = true,
        description = {"Run one forward and backward pass of a case file and print the results as one JSON object.",
            "For a module case (keys model, parameters, mode, x, y): prediction, loss, input_grad and parameter_grads;"
                    + " for the golden files' format: prediction, loss, input_grad, weight_grads and bias_grads."})
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
        JsonNode root = GradientCase.readJson(spec);
        JsonNode printed;
        boolean finite;
        double loss;
        if (ModuleCase.isModuleFormat(root)) {
            ModuleCase.Result result = ModuleCase.fromJson(root, spec.toString()).run(factory.registry(),
                    factory.backend(), factory.dtype());
            finite = result.isFinite();
            loss = result.loss();
            printed = result.toJson();
        } else {
            GradientResult result = GradientCase.fromJson(root, spec.toString()).run(factory.backend(), factory.dtype());
            finite = result.isFinite();
            loss = result.loss();
            printed = result.toJson();
        }
        if (!finite) {
            throw new InvalidInputException(spec + ": the pass overflowed to a value that is not finite (loss "
                    + loss + ") in " + factory.dtype() + "; the weights or inputs are too large for it");
        }
        command.commandLine().getOut().println(
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(printed));
        return 0;
    }
}
