package org.nn4j.nn;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Inference from any number of threads at once on a trained model's weights: each thread computes on
 * a copy of the model of its own, made on its first call from the weights the model had when this
 * predictor was made (later training of the model does not reach it), on the model's backend. Results
 * are new arrays that the caller owns. A model file's predictor ({@code ModelFile.Loaded.predictor})
 * takes raw features: it applies the file's input transform (standardisation) first, and knows the
 * class names.
 *
 * <pre>{@code
 * Predictor predictor = ModelFile.load(file, backend).predictor(ModuleRegistry.builtIn());
 * float[] p = predictor.probabilities(features, 32);   // from any thread
 * String[] names = predictor.labels(features, 32);
 * }</pre>
 */
public final class Predictor {
    private final ModelSpec spec;
    private final Backend backend;
    private final DType dtype;
    private final ModuleRegistry registry;
    private final Map<String, TensorData> weights;
    private final int inputSize;
    private final int outputSize;
    private final List<String> classNames;
    private final Consumer<float[]> inputTransform;
    private final Consumer<float[]> outputTransform;
    private final boolean regression;
    private final ThreadLocal<Model> copies = ThreadLocal.withInitial(this::copy);

    /**
     * A predictor of {@code model}'s current weights, its layers built again from {@code registry} (one
     * that knows every layer type of the model's spec); it takes the model's own inputs and knows no
     * class names.
     */
    public Predictor(Model model, ModuleRegistry registry) {
        this(model, registry, null, null);
    }

    /**
     * As {@link #Predictor(Model, ModuleRegistry)}, with the name of each output (each class, or each
     * regression target) and {@code inputTransform}, which makes rows of raw features the model's inputs
     * in place (a model file's standardisation); either may be null.
     */
    public Predictor(Model model, ModuleRegistry registry, List<String> classNames, Consumer<float[]> inputTransform) {
        this(model, registry, classNames, inputTransform, null);
    }

    /**
     * As {@link #Predictor(Model, ModuleRegistry, List, Consumer)}, with {@code outputTransform}, which
     * makes rows of the model's outputs the values {@link #outputs} gives in place (a regression model's
     * targets, standardised for training, back in their own units); null for none.
     */
    public Predictor(Model model, ModuleRegistry registry, List<String> classNames, Consumer<float[]> inputTransform,
            Consumer<float[]> outputTransform) {
        this.outputTransform = outputTransform;
        if (classNames != null && classNames.size() != model.outputSize()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + model.outputSize()
                    + " outputs");
        }
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        this.inputTransform = inputTransform;
        this.regression = registry.isRegression(model.spec().loss());
        this.spec = model.spec();
        this.backend = model.backend();
        this.dtype = model.dtype();
        this.registry = java.util.Objects.requireNonNull(registry, "registry");
        this.weights = Map.copyOf(model.stateDict());
        this.inputSize = model.inputSize();
        this.outputSize = model.outputSize();
    }

    /** Values per example that {@link #outputs} and {@link #classes} take. */
    public int inputSize() {
        return inputSize;
    }

    /** Outputs per example. */
    public int outputSize() {
        return outputSize;
    }

    /**
     * The model's outputs (before the loss: logits for softmax cross-entropy, a regression model's
     * predicted values, in the targets' own units where the predictor has an output transform) for {@code rows} examples of {@code x}, row-major ({@code rows x inputSize}, in the
     * model's input order; raw features where the predictor has an input transform), as {@code rows x
     * outputSize} values.
     *
     * @throws IllegalArgumentException when {@code x} does not hold {@code rows} examples
     */
    public float[] outputs(float[] x, int rows) {
        return values(forward(x, rows), rows);
    }

    /** {@code output}'s values, through the output transform if there is one. */
    private float[] values(Matrix output, int rows) {
        float[] values = new float[rows * outputSize];
        backend.copyOut(output, values);
        if (outputTransform != null) {
            outputTransform.accept(values);
        }
        return values;
    }

    /** The name of each output: each class, or each regression target; null where the predictor was given none. */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The probability of each class for {@code rows} examples of {@code x} ({@code rows x outputSize}): the
     * softmax of each row of outputs, as the softmax cross-entropy a classifier trains with takes them.
     *
     * @throws IllegalStateException for a regression model, whose outputs are values ({@link #outputs})
     */
    public float[] probabilities(float[] x, int rows) {
        if (regression) {
            throw new IllegalStateException("a regression model's outputs are values, not class probabilities;"
                    + " use outputs");
        }
        Matrix output = forward(x, rows);
        Matrix p = backend.zeros(dtype, rows, outputSize);
        backend.softmaxRows(output, p);
        float[] values = new float[rows * outputSize];
        backend.copyOut(p, values);
        return values;
    }

    /**
     * The name of the class of each of {@code rows} examples of {@code x}.
     *
     * @throws IllegalStateException when the predictor knows no class names, or the model is a regression model
     */
    public String[] labels(float[] x, int rows) {
        if (classNames == null || regression) {
            throw new IllegalStateException(regression ? "a regression model predicts values, not classes"
                    : "this predictor knows no class names (a model file's predictor does)");
        }
        int[] classes = classes(x, rows);
        String[] names = new String[rows];
        for (int i = 0; i < rows; i++) {
            names[i] = classNames.get(classes[i]);
        }
        return names;
    }

    /** The class (the largest output, the first on ties) of each of {@code rows} examples of {@code x}. */
    public int[] classes(float[] x, int rows) {
        int[] classes = new int[rows];
        backend.argmaxRows(forward(x, rows), classes);
        return classes;
    }

    /**
     * The model's outputs for {@code rows} examples of token ids {@code ids} ({@code rows x inputSize},
     * row-major), for a model whose first layer is an {@code embedding}, as {@code rows x outputSize} values.
     *
     * @throws IllegalArgumentException when {@code ids} does not hold {@code rows} examples, or an id is
     *     outside the embedding
     */
    public float[] outputs(int[] ids, int rows) {
        return values(forward(ids, rows), rows);
    }

    /** The class of each of {@code rows} examples of token ids {@code ids}. */
    public int[] classes(int[] ids, int rows) {
        int[] classes = new int[rows];
        backend.argmaxRows(forward(ids, rows), classes);
        return classes;
    }

    private Matrix forward(int[] ids, int rows) {
        if (rows < 1 || ids.length != (long) rows * inputSize) {
            throw new IllegalArgumentException("ids holds " + ids.length + " values, not rows (" + rows + ") x "
                    + inputSize + " steps");
        }
        return copies.get().forward(TokenIds.of(dtype, inputSize, ids, rows), Pass.eval());
    }

    /** This thread's copy's output for {@code x}: a buffer of the copy, valid until its next pass. */
    private Matrix forward(float[] x, int rows) {
        if (rows < 1 || x.length != (long) rows * inputSize) {
            throw new IllegalArgumentException("x holds " + x.length + " values, not rows (" + rows + ") x "
                    + inputSize + " inputs");
        }
        float[] inputs = x;
        if (inputTransform != null) {
            inputs = x.clone();
            inputTransform.accept(inputs);
        }
        Matrix input = backend.zeros(dtype, rows, inputSize);
        backend.copyIn(inputs, input);
        return copies.get().forward(input, Pass.eval());
    }

    private Model copy() {
        Model model = registry.build(spec, backend, dtype, 0, "the predictor's model");
        model.loadStateDict(weights);
        return model;
    }
}
