package org.nn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nn summary}: a model's layers, output shapes and parameter counts, from a spec or a model file. */
@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a model's layers with their output shapes and parameter counts.",
            "The model is a spec (FILE.json, built with fresh weights) or a model file saved by 'nn train'."})
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "SPEC.json|FILE",
            description = "A model spec (.json) or a model file.")
    Path model;

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        NetworkFactory factory = backendOptions.injector(DType.FLOAT32).getInstance(NetworkFactory.class);
        Model built;
        if (model.getFileName() != null && model.getFileName().toString().endsWith(".json")) {
            built = factory.registry().build(ModelSpec.read(model), factory.backend(), factory.dtype(), 0,
                    model.toString());
        } else {
            built = ModelFile.load(model, factory.registry(), factory.backend(), backendOptions.explicitDType())
                    .model();
        }
        spec.commandLine().getOut().println(built.summary());
        return 0;
    }
}
