package org.nn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nn4j.inject.NetworkFactory;
import org.nn4j.io.AtomicFiles;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nn export}: a saved model as an ONNX model, its standardisation included. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a saved model as an ONNX model (opset " + OnnxExport.OPSET + ") that computes what"
                + " 'nn predict' computes from raw features, the file's standardisation included.",
            "Input '" + OnnxExport.INPUT + "': [batch, features] float (token ids, int64, for a model that starts with"
                    + " an embedding). Outputs, [batch, outputs]: '" + OnnxExport.LOGITS + "' and '"
                    + OnnxExport.PROBABILITIES + "' (softmax), or a regression model's '" + OnnxExport.VALUES + "'."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    SavedModelOptions saved;

    @Option(names = "--onnx", required = true, paramLabel = "OUT.onnx", description = "The ONNX file to write.")
    Path onnx;

    @Mixin
    BackendOptions backendOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OutputFiles.require(Map.of("--onnx", onnx), saved.inputs(Map.of()));
        NetworkFactory factory = backendOptions.injector().getInstance(NetworkFactory.class);
        ModelFile.Loaded loaded = saved.load(factory, backendOptions.explicitDType());
        byte[] model;
        try {
            model = OnnxExport.toBytes(loaded, factory.registry());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(saved.model + ": " + e.getMessage(), e);
        }
        Activity.now("writing " + onnx);
        AtomicFiles.write(onnx, model);
        spec.commandLine().getOut().println("wrote " + onnx + " (ONNX opset " + OnnxExport.OPSET + ", "
                + String.format(java.util.Locale.ROOT, "%,d", model.length) + " bytes)");
        return 0;
    }
}
