package org.nn4j.nn;

import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Inference from any number of threads at once on a trained model's weights: each thread computes on
 * a copy of the model of its own, made on its first call from the weights the model had when this
 * predictor was made (later training of the model does not reach it), on the model's backend. Results
 * are new arrays that the caller owns.
 *
 * <pre>{@code
 * Predictor predictor = new Predictor(model, ModuleRegistry.load());
 * int[] classes = predictor.classes(pixels, 32);   // from any thread
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
    private final ThreadLocal<Model> copies = ThreadLocal.withInitial(this::copy);

    /**
     * A predictor of {@code model}'s current weights, its layers built again from {@code registry} (one
     * that knows every layer type of the model's spec).
     */
    public Predictor(Model model, ModuleRegistry registry) {
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
     * The model's outputs (before the loss: logits for softmax cross-entropy) for {@code rows} examples
     * of {@code x}, row-major ({@code rows x inputSize}, in the model's input order), as {@code rows x
     * outputSize} values.
     *
     * @throws IllegalArgumentException when {@code x} does not hold {@code rows} examples
     */
    public float[] outputs(float[] x, int rows) {
        Matrix output = forward(x, rows);
        float[] values = new float[rows * outputSize];
        backend.copyOut(output, values);
        return values;
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
        Matrix output = forward(ids, rows);
        float[] values = new float[rows * outputSize];
        backend.copyOut(output, values);
        return values;
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
        Matrix input = backend.zeros(dtype, rows, inputSize);
        backend.copyIn(x, input);
        return copies.get().forward(input, Pass.eval());
    }

    private Model copy() {
        Model model = registry.build(spec, backend, dtype, 0, "the predictor's model");
        model.loadStateDict(weights);
        return model;
    }
}
