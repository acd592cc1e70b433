package org.nn4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.nn.FullyConnectedLayer;
import org.nn4j.nn.Loss;
import org.nn4j.nn.NeuralNetwork;
import org.nn4j.nn.WeightInit;

/**
 * A trained model in one safetensors file, readable without nn4j (NumPy alone will do).
 *
 * <p>Tensors, in the model's dtype ({@code F32} or {@code F64}): {@code layers.I.weight} of shape
 * {@code [in, out]} (so {@code y = x @ W + b}; PyTorch's {@code nn.Linear} keeps the transpose) and
 * {@code layers.I.bias} of shape {@code [out]}; with standardised inputs {@code input.mean} and
 * {@code input.std}; for resuming, the optimizer's state {@code optimizer.SLOT.layers.I.weight|bias}.
 * Metadata (strings): {@code nn4j.format} = {@value #FORMAT}, {@code nn4j.architecture} and {@code
 * nn4j.training} (JSON), and {@code nn4j.sha256}, the checksum of the tensor bytes.
 */
public final class ModelFile {
    public static final String FORMAT = "nn4j-model/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /**
     * The architecture of a model.
     *
     * @param classNames the name of each output class
     */
    public record Architecture(int inputSize, List<Integer> hiddenSizes, int outputSize, ActivationKind activation,
            String loss, DType dtype, List<String> classNames) {
        public Architecture {
            hiddenSizes = List.copyOf(hiddenSizes);
            classNames = List.copyOf(classNames);
        }

        /** Sizes of every layer, input first. */
        public List<Integer> sizes() {
            List<Integer> sizes = new ArrayList<>();
            sizes.add(inputSize);
            sizes.addAll(hiddenSizes);
            sizes.add(outputSize);
            return sizes;
        }
    }

    /**
     * What a model file holds, loaded onto a backend.
     *
     * @param network the network with the file's weights
     * @param loss the loss it was trained with
     * @param standardizer the input standardisation, or null
     * @param optimizerState per slot, the state of each parameter (weights then bias, layer by layer)
     * @param training the {@code nn4j.training} metadata, or an empty object
     */
    public record Loaded(Architecture architecture, NeuralNetwork network, Loss loss, Standardizer standardizer,
            Map<String, List<double[]>> optimizerState, JsonNode training) {
    }

    /**
     * Writes the model atomically.
     *
     * @param optimizerState per slot, one matrix per parameter (weights then bias, layer by layer); may
     *     be empty
     * @param training any JSON-able description of the training, stored as {@code nn4j.training}
     */
    public static void save(Path file, Architecture architecture, NeuralNetwork network, Standardizer standardizer,
            Map<String, List<Matrix>> optimizerState, Map<String, Object> training) throws IOException {
        Backend backend = network.backend();
        String dtype = tensorType(architecture.dtype());
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        List<FullyConnectedLayer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            tensors.put("layers." + i + ".weight", tensor(backend, dtype, layers.get(i).weights(), false));
            tensors.put("layers." + i + ".bias", tensor(backend, dtype, layers.get(i).bias(), true));
        }
        if (standardizer != null) {
            tensors.put("input.mean", vector(dtype, standardizer.mean()));
            tensors.put("input.std", vector(dtype, standardizer.std()));
        }
        optimizerState.forEach((slot, matrices) -> {
            for (int p = 0; p < matrices.size(); p++) {
                String parameter = "layers." + (p / 2) + (p % 2 == 0 ? ".weight" : ".bias");
                tensors.put("optimizer." + slot + "." + parameter, tensor(backend, dtype, matrices.get(p), p % 2 == 1));
            }
        });
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("nn4j.format", FORMAT);
        metadata.put("nn4j.architecture", json(architectureJson(architecture)));
        metadata.put("nn4j.training", json(training));
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Reads a model file onto {@code backend}, in the file's dtype.
     *
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static Loaded load(Path file, Backend backend) {
        return load(file, backend, null);
    }

    /**
     * Reads a model file onto {@code backend}, in {@code dtype} (the file's when null; values are
     * rounded when a float64 model is read as float32).
     *
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static Loaded load(Path file, Backend backend, DType dtype) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = contents.metadata();
        if (!FORMAT.equals(metadata.get("nn4j.format"))) {
            throw new InvalidInputException(file + ": not an nn4j model (nn4j.format is " + metadata.get("nn4j.format")
                    + ", expected " + FORMAT + ")");
        }
        Architecture saved = architecture(file, metadata.get("nn4j.architecture"));
        Architecture architecture = dtype == null || dtype == saved.dtype() ? saved
                : new Architecture(saved.inputSize(), saved.hiddenSizes(), saved.outputSize(), saved.activation(),
                        saved.loss(), dtype, saved.classNames());
        NeuralNetwork network = new NeuralNetwork(backend, architecture.dtype(), architecture.inputSize(),
                architecture.outputSize(), architecture.hiddenSizes(), architecture.activation(), WeightInit.RANDN, 0);
        Map<String, Safetensors.Tensor> tensors = contents.tensors();
        List<Integer> sizes = architecture.sizes();
        for (int i = 0; i < network.layers().size(); i++) {
            FullyConnectedLayer layer = network.layers().get(i);
            backend.copyIn(values(file, tensors, "layers." + i + ".weight", sizes.get(i), sizes.get(i + 1)), layer.weights());
            backend.copyIn(values(file, tensors, "layers." + i + ".bias", sizes.get(i + 1)), layer.bias());
        }
        Standardizer standardizer = null;
        if (tensors.containsKey("input.mean")) {
            standardizer = new Standardizer(floats(values(file, tensors, "input.mean", architecture.inputSize())),
                    floats(values(file, tensors, "input.std", architecture.inputSize())));
        }
        Map<String, List<double[]>> state = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            if (name.startsWith("optimizer.") && name.endsWith(".layers.0.weight")) {
                String slot = name.substring("optimizer.".length(), name.length() - ".layers.0.weight".length());
                List<double[]> perParameter = new ArrayList<>();
                for (int i = 0; i + 1 < sizes.size(); i++) {
                    String prefix = "optimizer." + slot + ".layers." + i;
                    perParameter.add(values(file, tensors, prefix + ".weight", sizes.get(i), sizes.get(i + 1)));
                    perParameter.add(values(file, tensors, prefix + ".bias", sizes.get(i + 1)));
                }
                state.put(slot, perParameter);
            }
        }
        JsonNode training;
        try {
            String text = metadata.getOrDefault("nn4j.training", "{}");
            training = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": nn4j.training is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return new Loaded(architecture, network, Loss.byLabel(backend, architecture.loss()), standardizer, state,
                training);
    }

    private static Architecture architecture(Path file, String text) {
        if (text == null) {
            throw new InvalidInputException(file + ": no nn4j.architecture in the metadata");
        }
        try {
            Map<String, Object> a = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
            ActivationKind activation = ActivationKind.byLabel(String.valueOf(a.get("activation")));
            DType dtype = DType.valueOf(String.valueOf(a.get("dtype")).toUpperCase(java.util.Locale.ROOT));
            String loss = String.valueOf(a.get("loss"));
            if (activation == null || !Loss.LABELS.contains(loss)) {
                throw new InvalidInputException(file + ": nn4j.architecture names an unknown activation or loss: " + text);
            }
            @SuppressWarnings("unchecked")
            List<Integer> hidden = (List<Integer>) a.get("hidden_sizes");
            @SuppressWarnings("unchecked")
            List<String> classes = (List<String>) a.get("class_names");
            Architecture architecture = new Architecture((Integer) a.get("input_size"), hidden,
                    (Integer) a.get("output_size"), activation, loss, dtype, classes);
            if (architecture.classNames().size() != architecture.outputSize()) {
                throw new InvalidInputException(file + ": " + architecture.classNames().size() + " class names for "
                        + architecture.outputSize() + " outputs");
            }
            return architecture;
        } catch (JsonProcessingException | ClassCastException | NullPointerException | IllegalArgumentException e) {
            if (e instanceof InvalidInputException) {
                throw (InvalidInputException) e;
            }
            throw new InvalidInputException(file + ": nn4j.architecture is malformed (" + e.getMessage() + "): " + text);
        }
    }

    private static Map<String, Object> architectureJson(Architecture a) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("input_size", a.inputSize());
        json.put("hidden_sizes", a.hiddenSizes());
        json.put("output_size", a.outputSize());
        json.put("activation", a.activation().label());
        json.put("loss", a.loss());
        json.put("dtype", a.dtype().label());
        json.put("class_names", a.classNames());
        return json;
    }

    private static double[] values(Path file, Map<String, Safetensors.Tensor> tensors, String name, long... shape) {
        Safetensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new InvalidInputException(file + ": no tensor '" + name + "'; the file does not match its architecture");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new InvalidInputException(file + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but the architecture needs " + Arrays.toString(shape));
        }
        return t.values();
    }

    private static double[] values(Path file, Map<String, Safetensors.Tensor> tensors, String name, int... shape) {
        return values(file, tensors, name, Arrays.stream(shape).asLongStream().toArray());
    }

    private static Safetensors.Tensor tensor(Backend backend, String dtype, Matrix m, boolean vector) {
        long[] shape = vector ? new long[] {m.size()} : new long[] {m.rows(), m.cols()};
        return new Safetensors.Tensor(dtype, shape, backend.toArray(m));
    }

    private static Safetensors.Tensor vector(String dtype, float[] values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return new Safetensors.Tensor(dtype, new long[] {v.length}, v);
    }

    private static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    private static String tensorType(DType dtype) {
        return dtype == DType.FLOAT64 ? "F64" : "F32";
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
