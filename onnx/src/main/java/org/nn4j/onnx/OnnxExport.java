package org.nn4j.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.data.Standardizer;
import org.nn4j.io.AtomicFiles;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.Module;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A model file as an ONNX model ({@value #OPSET} of the default domain, IR version {@value #IR_VERSION}) that
 * computes what the file's {@link org.nn4j.nn.Predictor} computes from raw features, in evaluation mode
 * (dropout is the identity, batch normalisation uses its running statistics), the file's standardisation
 * included. Values are float32, whatever the model's dtype.
 *
 * <p>The input, {@value #INPUT}, is {@code [batch, inputSize]} floats: rows of raw features as {@code nn
 * predict} reads them; for a model whose first layer is an {@code embedding}, {@code [batch, T]} int64
 * token ids, padding (with a {@code padding_idx}) masked as nn4j masks it. The outputs are {@code [batch,
 * outputs]}: a regression model's (a regression loss, such as {@code mse}) {@value #VALUES}; any other
 * model's {@value #LOGITS} (the network's output) and {@value #PROBABILITIES} (their softmax). The model's
 * {@code metadata_props} hold {@code nn4j.spec} and {@code nn4j.class_names} (JSON).
 *
 * <pre>{@code
 * OnnxExport.write(ModelFile.load(file, backend), Path.of("model.onnx"));
 * }</pre>
 *
 * <p>Every built-in layer type is exported, by primitive operators where nn4j's semantics differ from an
 * ONNX operator's (recurrent layers are unrolled over their steps, attention is written out); a layer type
 * of another jar is refused.
 */
public final class OnnxExport {
    /** The operator set of the default ONNX domain the models use. */
    public static final int OPSET = 17;
    /** The ONNX IR version written, the one of operator set 17. */
    public static final int IR_VERSION = 8;
    /** The name of the graph's input. */
    public static final String INPUT = "input";
    /** A classifier's output: the network's outputs, {@code [batch, classes]}. */
    public static final String LOGITS = "logits";
    /** A classifier's second output: the softmax of its logits. */
    public static final String PROBABILITIES = "probabilities";
    /** A regression model's output: its predicted values, {@code [batch, targets]}. */
    public static final String VALUES = "values";
    /** The most bytes of tensors one ONNX file holds: a protobuf message ends at 2 GiB. */
    private static final long MAX_BYTES = (1L << 31) - (1L << 24);

    private OnnxExport() {
    }

    /**
     * The ONNX model of {@code loaded}, as bytes; nn4j's built-in losses tell a regression model.
     *
     * @throws InvalidInputException in one line naming the layer, for a layer that cannot be exported
     */
    public static byte[] toBytes(ModelFile.Loaded loaded) {
        return toBytes(loaded, ModuleRegistry.builtIn());
    }

    /**
     * As {@link #toBytes(ModelFile.Loaded)}; {@code registry} tells whether the model's loss is a regression
     * loss (one with losses of other jars).
     */
    public static byte[] toBytes(ModelFile.Loaded loaded, ModuleRegistry registry) {
        Model model = loaded.model();
        Map<String, TensorData> state = model.stateDict();
        long bytes = 0;
        for (TensorData t : state.values()) {
            bytes += 4L * t.values().length;
        }
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "the model's tensors take %,d bytes"
                    + " as float32, more than one ONNX file holds (2 GiB)", bytes));
        }
        Graph graph = new Graph();
        boolean tokens = Embedding.takesTokens(model.spec());
        graph.input(INPUT, tokens ? Graph.INT64 : Graph.FLOAT, List.of(model.inputSize()));
        String x = INPUT;
        Standardizer standardizer = loaded.standardizer();
        if (standardizer != null && !tokens) {
            // As Standardizer.apply, in float: (x - mean) / std.
            x = graph.op("Sub", x, graph.floats("input.mean", standardizer.mean(), standardizer.mean().length));
            x = graph.op("Div", x, graph.floats("input.std", standardizer.std(), standardizer.std().length));
        }
        Shape shape = model.inputShape();
        if (shape.rank() > 1) {
            x = graph.op("Reshape", x, graph.ints(Layers.batchShape(shape)));
        }
        Layers layers = new Layers(graph, state, model.spec(), registry);
        List<Module> modules = model.network().modules();
        for (int i = 0; i < modules.size(); i++) {
            x = layers.add(i, modules.get(i), x, shape);
            shape = modules.get(i).outputShape(shape);
        }
        List<Integer> outputs = List.of(model.outputSize());
        if (registry.isRegression(model.spec().loss())) {
            Standardizer targets = loaded.targetStandardizer();
            if (targets != null) {
                // As Standardizer.invert: the standardised targets back in their units, mean + std x.
                x = graph.op("Mul", x, graph.floats("output.std", targets.std(), targets.std().length));
                x = graph.op("Add", x, graph.floats("output.mean", targets.mean(), targets.mean().length));
            }
            graph.output(VALUES, x, outputs);
        } else {
            graph.output(LOGITS, x, outputs);
            graph.output(PROBABILITIES, graph.node("Softmax", x).attr("axis", 1L).out(), outputs);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("nn4j.spec", model.spec().toJson().toString());
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        loaded.classNames().forEach(names::add);
        metadata.put("nn4j.class_names", names.toString());
        return graph.model("nn4j", IR_VERSION, OPSET, model.spec().summary(), metadata);
    }

    /**
     * Writes the ONNX model of {@code loaded} to {@code file}, atomically: on any failure the file is as it
     * was.
     *
     * @throws InvalidInputException as {@link #toBytes(ModelFile.Loaded)}, or when {@code file} is not a
     *     regular file
     * @throws org.nn4j.io.UnwritableFileException naming the file, when it cannot be written
     */
    public static void write(ModelFile.Loaded loaded, Path file) throws IOException {
        write(loaded, ModuleRegistry.builtIn(), file);
    }

    /** As {@link #write(ModelFile.Loaded, Path)}, {@code registry} telling a regression loss. */
    public static void write(ModelFile.Loaded loaded, ModuleRegistry registry, Path file) throws IOException {
        AtomicFiles.write(file, toBytes(loaded, registry));
    }
}
