package org.nn4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.TensorLayout;
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
 * {@code nn4j.format}, {@code nn4j.spec} (the model spec, JSON), {@code nn4j.class_names} (JSON, no two
 * alike), with standardised inputs {@code nn4j.input} ({@code {"mean": [...], "std": [...]}}), with a
 * regression model's standardised targets {@code nn4j.output} (the same, per target), {@code
 * nn4j.training} (JSON), and {@code nn4j.checksum}, over header, metadata and tensor bytes ({@link
 * Safetensors}), without which a version-2 file is refused.
 *
 * <p>The optimizer's state, which only a resumed run needs, is a file of its own beside the model
 * file ({@link OptimizerStateFile}), which the model file names, with its checksum, under {@value
 * OptimizerStateFile#KEY}. Files written before kept it in the metadata as {@code
 * nn4j.optimizer_state} (base64), which still loads.
 *
 * <p>Loading refuses weights, buffers, optimizer state and standardisation that are not finite, and
 * builds no layer larger than the file's tensors can fill. Version-1 files (one MLP, {@code
 * layers.I.weight} as {@code [in, out]}) still load.
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
     * @param stateReader reads the optimizer state (see {@link #optimizerState()})
     * @param training the {@code nn4j.training} metadata, or an empty object
     * @param targetStandardizer a regression model's target standardisation (its outputs are standardised
     *     targets), or null
     */
    public record Loaded(Model model, List<String> classNames, Standardizer standardizer,
            Supplier<Map<String, List<double[]>>> stateReader, JsonNode training, Standardizer targetStandardizer) {
        /** The model's loss. */
        public Loss loss() {
            return model.loss();
        }

        /**
         * A predictor of this model from raw features: it applies the file's standardisation first, gives a
         * regression model's values in the targets' own units, and knows the class names; {@code registry}
         * knows the model's layer types.
         */
        public org.nn4j.nn.Predictor predictor(ModuleRegistry registry) {
            return new org.nn4j.nn.Predictor(model, registry, classNames, standardizer == null ? null
                    : standardizer::apply, targetStandardizer == null ? null : targetStandardizer::invert);
        }

        /**
         * Per slot, the optimizer state of each parameter in the order of {@link Model#parameters()},
         * laid out as the parameter's matrix; empty when the model was saved without. Read from the
         * optimizer state file at each call, as only resuming needs it.
         *
         * @throws InvalidInputException naming the files, when the state file is missing, of another
         *     save, or damaged
         */
        public Map<String, List<double[]>> optimizerState() {
            return stateReader.get();
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
        save(file, model, classNames, standardizer, null, optimizerState, training);
    }

    /**
     * As {@link #save(Path, Model, List, Standardizer, Map, Map)}, with a regression model's target
     * standardisation {@code targetStandardizer} ({@code nn4j.output}), or null.
     */
    public static void save(Path file, Model model, List<String> classNames, Standardizer standardizer,
            Standardizer targetStandardizer, Map<String, List<Matrix>> optimizerState, Map<String, Object> training)
            throws IOException {
        if (classNames.size() != model.outputSize()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + model.outputSize()
                    + " outputs");
        }
        if (new java.util.HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("two classes of the same name in " + classNames);
        }
        String dtype = tensorType(model.dtype());
        // The state_dict a tensor at a time: a model's values are not copied all at once.
        Map<String, Safetensors.Lazy> tensors = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> tensors.put(name, lazy(model, dtype, p.value(), p.layout())));
        model.buffers().forEach((name, b) -> tensors.put(name, lazy(model, dtype, b.value(), b.layout())));
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
        if (targetStandardizer != null) {
            if (targetStandardizer.mean().length != model.outputSize()) {
                throw new IllegalArgumentException(targetStandardizer.mean().length + " target standardisations for "
                        + model.outputSize() + " outputs");
            }
            metadata.put("nn4j.output", json(Map.of("mean", targetStandardizer.mean(), "std", targetStandardizer.std())));
        }
        if (!optimizerState.isEmpty()) {
            metadata.put(OptimizerStateFile.KEY, OptimizerStateFile.write(file, model, dtype, optimizerState));
        }
        metadata.put("nn4j.training", json(training));
        try {
            Safetensors.writeLazily(file, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            OptimizerStateFile.abandon(file);
            throw e;
        }
        OptimizerStateFile.settleAfterSave(file, !optimizerState.isEmpty());
    }

    /** The tensor of {@code m} in {@code layout}, its values made when it is written. */
    static Safetensors.Lazy lazy(Model model, String dtype, Matrix m, TensorLayout layout) {
        return new Safetensors.Lazy(dtype, layout.shape(m.rows(), m.cols()), () -> model.export(m, layout).values());
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
            throw new InvalidInputException(file + ": not an nn4j model (nn4j.format is "
                    + (format == null ? "missing" : "'" + InvalidInputException.shown(format) + "'") + ", expected "
                    + FORMAT + "); a state_dict saved by PyTorch loads with its model spec (--spec)");
        }
        if (contents.verified() != Safetensors.Verified.WHOLE) {
            throw new InvalidInputException(file + ": no " + Safetensors.CHECKSUM + " in the metadata; every model"
                    + " file nn4j writes has one, so this one was edited or not written by nn4j");
        }
        if (metadata.get("nn4j.spec") == null) {
            throw new InvalidInputException(file + ": no nn4j.spec in the metadata");
        }
        ModelSpec spec = ModelSpec.parse(metadata.get("nn4j.spec"), file + ": nn4j.spec");
        DType saved = fileDType(file, contents);
        Model model = registry.build(spec, backend, dtype != null ? dtype : saved, file + ": nn4j.spec",
                valueCount(contents), "the file's tensors");
        loadTensors(file, model, contents.tensors());
        List<String> classNames = classNames(file, metadata.get("nn4j.class_names"), model.outputSize());
        Standardizer standardizer = null;
        if (metadata.containsKey("nn4j.input")) {
            JsonNode input = tree(file, "nn4j.input", metadata.get("nn4j.input"));
            standardizer = standardizer(file, "nn4j.input", floats(file, "nn4j.input", input.path("mean"),
                    model.inputSize()), floats(file, "nn4j.input", input.path("std"), model.inputSize()));
        }
        Standardizer targets = null;
        if (metadata.containsKey("nn4j.output")) {
            JsonNode output = tree(file, "nn4j.output", metadata.get("nn4j.output"));
            targets = standardizer(file, "nn4j.output", floats(file, "nn4j.output", output.path("mean"),
                    model.outputSize()), floats(file, "nn4j.output", output.path("std"), model.outputSize()));
        }
        JsonNode training = tree(file, "nn4j.training", metadata.getOrDefault("nn4j.training", "{}"));
        return new Loaded(model, classNames, standardizer, () -> OptimizerStateFile.read(file, metadata, model, tensorType(saved)),
                training, targets);
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
        String format = contents.metadata().get("nn4j.format");
        if (format != null) {
            throw new InvalidInputException(file + ": an nn4j model file (" + InvalidInputException.shown(format)
                    + "), with its own spec, classes and standardisation, which a separate spec would drop; read it"
                    + " without one (a spec goes with a state_dict that PyTorch saved)");
        }
        Model model = registry.build(spec, backend, dtype != null ? dtype : fileDType(file, contents), file + ": spec",
                valueCount(contents), "the tensors of " + file);
        loadTensors(file, model, contents.tensors());
        List<String> classNames = new ArrayList<>();
        for (int i = 0; i < model.outputSize(); i++) {
            classNames.add(Integer.toString(i));
        }
        return new Loaded(model, classNames, null, Map::of, JSON.createObjectNode(), null);
    }

    /** The values a file's tensors hold: what a model built from its spec may have at most. */
    private static long valueCount(Safetensors.Contents contents) {
        long count = 0;
        for (Safetensors.Tensor t : contents.tensors().values()) {
            count += t.values().length;
        }
        return count;
    }

    static void requireFinite(Path file, String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new InvalidInputException(file + ": " + what + " holds " + values[i] + " (value " + i + " of "
                        + values.length + "); a model with values that are not finite cannot be used (was it saved"
                        + " by a run that diverged?)");
            }
        }
    }

    private static void loadTensors(Path file, Model model, Map<String, Safetensors.Tensor> tensors) {
        tensors.forEach((name, t) -> requireFinite(file, "tensor '" + InvalidInputException.shown(name) + "'",
                t.values()));
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
        if (contents.verified() == Safetensors.Verified.NONE) {
            throw new InvalidInputException(file + ": no " + Safetensors.TENSOR_CHECKSUM + " in the metadata; every"
                    + " model file nn4j wrote has one, so this one was edited or not written by nn4j");
        }
        Model model = registry.build(spec, backend, type, file + ": nn4j.architecture", valueCount(contents),
                "the file's tensors");
        Map<String, Safetensors.Tensor> tensors = contents.tensors();
        List<Integer> sizes = saved.sizes();
        List<Parameter> parameters = List.copyOf(model.parameters().values());
        contents.tensors().forEach((name, t) -> requireFinite(file, "tensor '" + InvalidInputException.shown(name)
                + "'", t.values()));
        for (int i = 0; i + 1 < sizes.size(); i++) {
            backend.copyIn(values(file, tensors, "layers." + i + ".weight", sizes.get(i), sizes.get(i + 1)),
                    parameters.get(2 * i).value());
            backend.copyIn(values(file, tensors, "layers." + i + ".bias", sizes.get(i + 1)),
                    parameters.get(2 * i + 1).value());
        }
        Standardizer standardizer = null;
        if (tensors.containsKey("input.mean")) {
            standardizer = standardizer(file, "input", floats(values(file, tensors, "input.mean", saved.inputSize())),
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
        return new Loaded(model, saved.classNames(), standardizer, () -> state, training, null);
    }

    private static JsonNode tree(Path file, String key, String text) {
        return InputFiles.json(text, file + ": " + key);
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
        for (JsonNode n : names) {
            if (!n.isTextual()) {
                throw new InvalidInputException(file + ": nn4j.class_names must be strings, not " + InvalidInputException
                        .shown(n.toString()));
            }
            out.add(n.asText());
        }
        return unique(file + ": nn4j.class_names", out);
    }

    /** {@code names}, refused in one line when two are alike: a class would not be told from another. */
    private static List<String> unique(String where, List<String> names) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new InvalidInputException(where + " names class '" + InvalidInputException.shown(name)
                        + "' twice; each output needs a class of its own");
            }
        }
        return names;
    }

    private static float[] floats(Path file, String key, JsonNode values, int size) {
        if (!values.isArray() || values.size() != size) {
            throw new InvalidInputException(file + ": " + key + " needs a mean and a std of " + size + " numbers");
        }
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            JsonNode v = values.get(i);
            f[i] = v.isNumber() ? (float) v.asDouble() : Float.NaN;
            if (!Float.isFinite(f[i])) {
                throw new InvalidInputException(file + ": " + key + " holds " + InvalidInputException.shown(v.toString())
                        + " (value " + i + "); its mean and std must be finite numbers");
            }
        }
        return f;
    }

    private static Standardizer standardizer(Path file, String key, float[] mean, float[] std) {
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0)) {
                boolean targets = key.equals("nn4j.output");
                throw new InvalidInputException(file + ": " + (targets ? key + ": " : "") + "the standardisation's std of "
                        + (targets ? "target " : "feature ") + i + " is " + std[i] + "; every std must be above 0");
            }
        }
        return new Standardizer(mean, std);
    }

    private static Architecture architecture(Path file, String text) {
        if (text == null) {
            throw new InvalidInputException(file + ": no nn4j.architecture in the metadata");
        }
        JsonReading read = new JsonReading(file + ": nn4j.architecture");
        JsonNode a = tree(file, "nn4j.architecture", text);
        if (!a.isObject()) {
            throw read.error("must be a JSON object");
        }
        ActivationKind activation = ActivationKind.byLabel(read.text(a, "activation"));
        String loss = read.text(a, "loss");
        if (activation == null || ModuleRegistry.builtIn().lossType(loss) == null) {
            throw read.error("names an unknown activation or loss: " + InvalidInputException.shown(text));
        }
        String dtypeName = read.text(a, "dtype");
        DType dtype = dtypeName.equals("float32") ? DType.FLOAT32 : dtypeName.equals("float64") ? DType.FLOAT64 : null;
        if (dtype == null) {
            throw read.error("'dtype' must be float32 or float64, not " + InvalidInputException.shown(dtypeName));
        }
        int inputSize = read.positiveInt(read.field(a, "input_size"), "'input_size'");
        int outputSize = read.positiveInt(read.field(a, "output_size"), "'output_size'");
        List<Integer> hidden = new ArrayList<>();
        JsonNode hiddenNode = read.array(a, "hidden_sizes");
        for (int i = 0; i < hiddenNode.size(); i++) {
            hidden.add(read.positiveInt(hiddenNode.get(i), "'hidden_sizes'[" + i + "]"));
        }
        List<String> classes = new ArrayList<>();
        JsonNode classNodes = read.array(a, "class_names");
        for (int i = 0; i < classNodes.size(); i++) {
            if (!classNodes.get(i).isTextual()) {
                throw read.error("'class_names'[" + i + "] must be a string");
            }
            classes.add(classNodes.get(i).asText());
        }
        if (classes.size() != outputSize) {
            throw read.error(classes.size() + " class names for " + outputSize + " outputs");
        }
        unique(file + ": nn4j.architecture 'class_names'", classes);
        return new Architecture(inputSize, hidden, outputSize, activation, loss, dtype, classes);
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
