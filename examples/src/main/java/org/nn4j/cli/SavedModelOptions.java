package org.nn4j.cli;

import java.nio.file.Path;
import org.nn4j.api.DType;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.spec.ModelSpec;
import picocli.CommandLine.Option;

/** The model file that {@code evaluate}, {@code predict} and {@code export} read: nn4j's own, or a state_dict with its spec. */
final class SavedModelOptions {

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "A model saved by 'nn train', or a state_dict saved with safetensors (with --spec).")
    Path model;

    @Option(names = "--spec", paramLabel = "FILE.json",
            description = "The model spec of a state_dict that PyTorch saved (torch.nn.Sequential of the same layers).")
    Path spec;

    /** The files these options read, by flag, after {@code more} (the command's own inputs): what outputs must not be. */
    java.util.Map<String, Path> inputs(java.util.Map<String, Path> more) {
        java.util.Map<String, Path> inputs = new java.util.LinkedHashMap<>(more);
        inputs.put("--model", model);
        inputs.put("--spec", spec);
        return inputs;
    }

    ModelFile.Loaded load(NetworkFactory factory, DType explicitDType) {
        Activity.now("reading the model " + model);
        if (spec != null) {
            return ModelFile.loadStateDict(model, ModelSpec.read(spec), factory.registry(), factory.backend(),
                    explicitDType);
        }
        return ModelFile.load(model, factory.registry(), factory.backend(), explicitDType);
    }
}
