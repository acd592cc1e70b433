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
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A trained model in one safetensors file, readable without nn4j (NumPy alone will do) and loadable by
 * PyTorch.
 *
 * <p>Version 2 ({@value #FORMAT}): the tensors are exactly the model's {@code state_dict}, named and
 * laid out as PyTorch names and lays them out for the {@code torch.nn.Sequential} of the same spec
 * ({@code 0.weight} of shape {@code [out_features, in_features]}, {@code 1.running_mean}...), in the
 * model's dtype, so that {@code load_state_dict(..., strict=True)} takes them. Metadata (strings):
 * {@code nn4j.format}, {@code nn4j.spec} (the model spec, JSON), {@code nn4j.class_names} (JSON), with
 * standardised inputs {@code nn4j.input} ({@code {"mean": [...], "std": [...]}}), for resuming {@code
 * nn4j.optimizer_state} (per slot, per parameter name, the state's little-endian bytes in the model's
 * dtype and PyTorch's layout, base64), {@code nn4j.training} (JSON), and {@code nn4j.sha256}, the
 * checksum of the tensor bytes. Version-1 files (one MLP, {@code layers.I.weight} as {@code [in,
 * out]}) still load.
 */
public final class ModelFile {
    /** The format written: model spec, tensors by {@code state_dict} name, classes, training. */
    public static final String FORMAT = "nn4j-model/2";
    /** The first format (one MLP's architecture), still read. */
    public static final String FORMAT_1 = "nn4j-model/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /**
     * The architecture of a version-1 model file.
     *
     * @param classNames the name of each output class
     */
    public record Architecture(int inputSize, List<Integer> hiddenSizes, int outputSize, ActivationKind activation,
            String loss, DType dtype, List<String> classNames) {
        /** Keeps copies of the lists. */
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
     * @param model the model with the file's parameters and buffers
     * @param classNames the name of each output
     * @param standardizer the input standardisation, or null
     * @param optimizerState per slot, the state of each parameter in the order of {@link
     *     Model#parameters()}, laid out as the parameter's matrix; empty when the file has none
     * @param training the {@code nn4j.training} metadata, or an empty object
     */
    public record Loaded(Model model, List<String> classNames, Standardizer standardizer,
            Map<String, List<double[]>> optimizerState, JsonNode training) {
        /** The model's loss. */
        public Loss loss() {
            return model.loss();
        }
    }

    /**
     * Writes the model atomically.
     *
     * @param optimizerState per slot, one matrix per parameter in the order of {@link
     *     Model#parameters()}; may be empty
     * @param training any JSON-able description of the training, stored as {@code nn4j.training}
     */
    public static void save(Path file, Model model, List<String> classNames, Standardizer standardizer,
            Map<String, List<Matrix>> optimizerState, Map<String, Object> training) throws IOException {
        if (classNames.size() != model.outputSize()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + model.outputSize()
                    + " outputs");
        }
        String dtype = tensorType(model.dtype());
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> tensors.put(name, new Safetensors.Tensor(dtype, t.shape(), t.values())));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("nn4j.format", FORMAT);
        metadata.put("nn4j.spec", model.spec().toJson().toString());
        metadata.put("nn4j.class_names", json(classNames));
        if (standardizer != null) {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("mean", standardizer.mean());
            input.put("std", standardizer.std());
            metadata.put("nn4j.input", json(input));
        }
        if (!optimizerState.isEmpty()) {
            List<String> names = List.copyOf(model.parameters().keySet());
            List<Parameter> parameters = List.copyOf(model.parameters().values());
            Map<String, Map<String, String>> state = new LinkedHashMap<>();
            optimizerState.forEach((slot, matrices) -> {
                Map<String, String> perParameter = new LinkedHashMap<>();
                for (int i = 0; i < matrices.size(); i++) {
                    TensorData t = model.export(matrices.get(i), parameters.get(i).layout());
                    perParameter.put(names.get(i), Base64.getEncoder().encodeToString(
                            Safetensors.bytes(dtype, t.values())));
                }
                state.put(slot, perParameter);
            });
            metadata.put("nn4j.optimizer_state", json(state));
        }
        metadata.put("nn4j.training", json(training));
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Reads a model file onto {@code backend}, in the file's dtype, with nn4j's own layer types.
     *
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static Loaded load(Path file, Backend backend) {
        return load(file, ModuleRegistry.builtIn(), backend, null);
    }

    /**
     * Reads a model file onto {@code backend}, in {@code dtype} (the file's when null; values are
     * rounded when a float64 model is read as float32), with the layer types of {@code registry}.
     *
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static Loaded load(Path file, ModuleRegistry registry, Backend backend, DType dtype) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = contents.metadata();
        String format = metadata.get("nn4j.format");
        if (FORMAT_1.equals(format)) {
            return loadVersion1(file, contents, registry, backend, dtype);
        }
        if (!FORMAT.equals(format)) {
            throw new InvalidInputException(file + ": not an nn4j model (nn4j.format is " + format + ", expected "
                    + FORMAT + "); a state_dict saved by PyTorch loads with its model spec (--spec)");
        }
        if (metadata.get("nn4j.spec") == null) {
            throw new InvalidInputException(file + ": no nn4j.spec in the metadata");
        }
        ModelSpec spec = ModelSpec.parse(metadata.get("nn4j.spec"), file + ": nn4j.spec");
        DType saved = fileDType(file, contents);
        Model model = registry.build(spec, backend, dtype != null ? dtype : saved, 0, file + ": nn4j.spec");
        loadTensors(file, model, contents.tensors());
        List<String> classNames = classNames(file, metadata.get("nn4j.class_names"), model.outputSize());
        Standardizer standardizer = null;
        if (metadata.containsKey("nn4j.input")) {
            JsonNode input = tree(file, "nn4j.input", metadata.get("nn4j.input"));
            standardizer = new Standardizer(floats(file, input.path("mean"), model.inputSize()),
                    floats(file, input.path("std"), model.inputSize()));
        }
        Map<String, List<double[]>> state = new LinkedHashMap<>();
        if (metadata.containsKey("nn4j.optimizer_state")) {
            JsonNode slots = tree(file, "nn4j.optimizer_state", metadata.get("nn4j.optimizer_state"));
            String dtypeName = tensorType(saved);
            for (Iterator<Map.Entry<String, JsonNode>> it = slots.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> slot = it.next();
                List<double[]> perParameter = new ArrayList<>();
                for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
                    JsonNode encoded = slot.getValue().get(p.getKey());
                    Matrix m = p.getValue().value();
                    if (encoded == null || !encoded.isTextual()) {
                        throw new InvalidInputException(file + ": nn4j.optimizer_state has no '" + slot.getKey() + "'"
                                + " state for " + p.getKey());
                    }
                    double[] values;
                    try {
                        values = Safetensors.values(dtypeName, Base64.getDecoder().decode(encoded.asText()));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException(file + ": nn4j.optimizer_state of " + p.getKey()
                                + " is not valid base64");
                    }
                    if (values.length != m.size()) {
                        throw new InvalidInputException(file + ": nn4j.optimizer_state has " + values.length
                                + " values of '" + slot.getKey() + "' for " + p.getKey() + ", which has " + m.size());
                    }
                    perParameter.add(p.getValue().layout().fromTensor(values, m.rows(), m.cols()));
                }
                state.put(slot.getKey(), perParameter);
            }
        }
        JsonNode training = tree(file, "nn4j.training", metadata.getOrDefault("nn4j.training", "{}"));
        return new Loaded(model, classNames, standardizer, state, training);
    }

    /**
     * Reads a {@code state_dict} that PyTorch (or anything else) saved with safetensors into the model
     * {@code spec} describes: strictly, every parameter and buffer by name and shape ({@code
     * num_batches_tracked} may be there or not). The classes are named {@code 0, 1, ...}.
     *
     * @param dtype the model's dtype; the tensors' own when null
     */
    public static Loaded loadStateDict(Path file, ModelSpec spec, ModuleRegistry registry, Backend backend,
            DType dtype) {
        Safetensors.Contents contents = Safetensors.read(file);
        Model model = registry.build(spec, backend, dtype != null ? dtype : fileDType(file, contents), 0,
                file + ": spec");
        loadTensors(file, model, contents.tensors());
        List<String> classNames = new ArrayList<>();
        for (int i = 0; i < model.outputSize(); i++) {
            classNames.add(Integer.toString(i));
        }
        return new Loaded(model, classNames, null, Map.of(), JSON.createObjectNode());
    }

    private static void loadTensors(Path file, Model model, Map<String, Safetensors.Tensor> tensors) {
        Map<String, TensorData> state = new LinkedHashMap<>();
        tensors.forEach((name, t) -> state.put(name, new TensorData(t.shape(), t.values())));
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file + ": " + e.getMessage() + "; the file does not match its model spec");
        }
    }

    private static DType fileDType(Path file, Safetensors.Contents contents) {
        for (Map.Entry<String, Safetensors.Tensor> t : contents.tensors().entrySet()) {
            if (!t.getKey().endsWith("num_batches_tracked")) {
                return t.getValue().dtype().equals("F64") ? DType.FLOAT64 : DType.FLOAT32;
            }
        }
        throw new InvalidInputException(file + ": holds no tensors");
    }

    private static Loaded loadVersion1(Path file, Safetensors.Contents contents, ModuleRegistry registry,
            Backend backend, DType dtype) {
        Map<String, String> metadata = contents.metadata();
        Architecture saved = architecture(file, metadata.get("nn4j.architecture"));
        DType type = dtype != null ? dtype : saved.dtype();
        ModelSpec spec = ModelSpec.mlp(saved.inputSize(), saved.hiddenSizes(), saved.outputSize(), saved.activation(),
                saved.loss());
        Model model = registry.build(spec, backend, type, 0, file.toString());
        Map<String, Safetensors.Tensor> tensors = contents.tensors();
        List<Integer> sizes = saved.sizes();
        List<Parameter> parameters = List.copyOf(model.parameters().values());
        for (int i = 0; i + 1 < sizes.size(); i++) {
            backend.copyIn(values(file, tensors, "layers." + i + ".weight", sizes.get(i), sizes.get(i + 1)),
                    parameters.get(2 * i).value());
            backend.copyIn(values(file, tensors, "layers." + i + ".bias", sizes.get(i + 1)),
                    parameters.get(2 * i + 1).value());
        }
        Standardizer standardizer = null;
        if (tensors.containsKey("input.mean")) {
            standardizer = new Standardizer(floats(values(file, tensors, "input.mean", saved.inputSize())),
                    floats(values(file, tensors, "input.std", saved.inputSize())));
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
        JsonNode training = tree(file, "nn4j.training", metadata.getOrDefault("nn4j.training", "{}"));
        return new Loaded(model, saved.classNames(), standardizer, state, training);
    }

    private static JsonNode tree(Path file, String key, String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": " + key + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static List<String> classNames(Path file, String text, int outputs) {
        if (text == null) {
            throw new InvalidInputException(file + ": no nn4j.class_names in the metadata");
        }
        JsonNode names = tree(file, "nn4j.class_names", text);
        if (!names.isArray() || names.size() != outputs) {
            throw new InvalidInputException(file + ": nn4j.class_names must list one name for each of the model's "
                    + outputs + " outputs, not " + text);
        }
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static float[] floats(Path file, JsonNode values, int size) {
        if (!values.isArray() || values.size() != size) {
            throw new InvalidInputException(file + ": nn4j.input needs a mean and a std of " + size + " numbers");
        }
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            f[i] = (float) values.get(i).asDouble();
        }
        return f;
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
            if (activation == null || ModuleRegistry.builtIn().lossType(loss) == null) {
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
