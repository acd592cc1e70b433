package org.nn4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.ModelSpec;

/**
 * A network on one backend and dtype: its layers as a {@link Sequential}, its loss, its spec, and its
 * state (parameters and buffers) under PyTorch's {@code state_dict} names. This is what training,
 * evaluation, model files and {@code nn gradients} work on. Make one in Java from layers ({@link
 * #of}), or from a spec file with {@link org.nn4j.nn.spec.ModuleRegistry#build}; either way it saves,
 * loads in PyTorch, resumes and trains on a cluster alike, as its spec is all they need.
 *
 * <pre>{@code
 * Sequential layers = new Sequential(
 *         new Linear(backend, DType.FLOAT32, 784, 256), new ActivationLayer(backend, ActivationKind.RELU),
 *         new Dropout(backend, 0.2), new Linear(backend, DType.FLOAT32, 256, 10));
 * Model model = Model.of(backend, DType.FLOAT32, Shape.of(784), layers, new SoftmaxCrossEntropy(backend), 42);
 * }</pre>
 *
 * <p>A model computes on one thread at a time (its layers keep each batch's activations for the
 * backward pass): a pass that another thread's pass would overlap, or a backward pass after another
 * thread's forward pass, fails at once with an {@link IllegalStateException}. For inference from many
 * threads, use a {@link Predictor}; to train on several threads, give each its own model (they may
 * share a backend).
 */
public final class Model {
    private final ModelSpec spec;
    private final Backend backend;
    private final DType dtype;
    private final Sequential network;
    private final Loss loss;
    private final Shape outputShape;
    private final int inputSize;
    private final int outputSize;
    private final Map<String, Parameter> parameters;
    private final Map<String, NamedMatrix> buffers;
    private final List<Matrix> values;
    private final List<Matrix> gradients;
    private final List<Matrix> state;
    /** The thread inside a pass, if any: a model computes on one thread at a time. */
    private final AtomicReference<Thread> busy = new AtomicReference<>();
    /** The thread of the last forward pass, whose activations the backward pass uses. */
    private volatile Thread forwardThread;

    /**
     * A model of {@code network}, built from {@code spec} on {@code backend} in {@code dtype}, minimising {@code loss}; {@link org.nn4j.nn.spec.ModuleRegistry#build} makes one.
     */
    public Model(ModelSpec spec, Backend backend, DType dtype, Sequential network, Loss loss) {
        this.spec = spec;
        this.backend = backend;
        this.dtype = dtype;
        this.network = network;
        this.loss = loss;
        this.outputShape = network.outputShape(spec.input());
        if (outputShape.rank() != 1) {
            throw new IllegalArgumentException("the model's output must be flat ([outputs]), not " + outputShape
                    + "; put a flatten (or, for a sequence, a sequence_pool) before its last linear layer");
        }
        // Kept, not recomputed: a shape's size iterates a list, which would allocate on every batch.
        this.inputSize = spec.input().size();
        this.outputSize = outputShape.size();
        this.parameters = network.namedParameters();
        this.buffers = network.namedBuffers();
        List<Matrix> v = new ArrayList<>();
        List<Matrix> g = new ArrayList<>();
        parameters.values().forEach(p -> {
            v.add(p.value());
            g.add(p.grad());
        });
        this.values = List.copyOf(v);
        this.gradients = List.copyOf(g);
        List<Matrix> all = new ArrayList<>(v);
        buffers.values().forEach(b -> all.add(b.value()));
        this.state = List.copyOf(all);
    }

    /**
     * A model of {@code layers}, taking examples of shape {@code input} and minimising {@code loss}: its
     * spec written from the layers, each layer initialised from {@code seed} as the layers of that spec
     * would be by {@link org.nn4j.nn.spec.ModuleRegistry#build} with the same seed (values set before are
     * overwritten). The layer types are nn4j's and those on its class path ({@link
     * org.nn4j.nn.spec.ModuleRegistry#builtIn()}); {@link org.nn4j.nn.spec.ModuleRegistry#model} takes
     * others.
     *
     * @throws IllegalArgumentException naming the layer at fault: one that no layer type writes out as a
     *     spec entry, one of another dtype, or shapes that do not fit; or a loss no loss type makes
     */
    public static Model of(Backend backend, DType dtype, Shape input, Sequential layers, Loss loss, long seed) {
        return org.nn4j.nn.spec.ModuleRegistry.builtIn().model(backend, dtype, input, layers, loss, seed);
    }

    /**
     * Checks, before any batch runs, that a batch of {@code batchSize} examples fits: each layer's
     * output in one array, and what a training step keeps (each layer's output, its gradient and work
     * arrays, about four times the outputs) in the memory this JVM may use.
     *
     * @param where names the batch size in messages ("--batch-size 128")
     * @throws InvalidInputException naming the layer or the total, and what to make smaller
     */
    public void requireBatchFits(int batchSize, String where) {
        Shape shape = inputShape();
        long kept = (long) batchSize * shape.size();
        List<Module> modules = network.modules();
        for (int i = 0; i < modules.size(); i++) {
            shape = modules.get(i).outputShape(shape);
            long values = (long) batchSize * shape.size();
            if (values > Integer.MAX_VALUE - 16) {
                throw new InvalidInputException(String.format(java.util.Locale.ROOT, "layers[%d] (%s): %s makes"
                        + " %,d values (%s an example), more than one array holds (2^31); use a smaller batch or"
                        + " smaller layers", i, spec.types().get(i), where, values, shape));
            }
            kept += values;
        }
        // Each layer's output, its gradient, and about as much again in work arrays (a convolution's
        // products before they are laid out as images, say).
        long bytes = 4 * kept * dtype.bytes();
        long memory = Runtime.getRuntime().maxMemory();
        if (bytes > memory) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "%s makes %,d activations; with"
                    + " their gradients and work arrays a step needs about %.1f GiB in %s, more than the %.1f GiB"
                    + " this JVM may use; use a smaller batch or smaller layers, or give Java more memory"
                    + " (JAVA_OPTS=-Xmx%dg)", where, kept, bytes / (double) (1L << 30), dtype.label(),
                    memory / (double) (1L << 30), Math.max(2, (long) Math.ceil(bytes * 1.5 / (1L << 30)))));
        }
    }

    /** The spec the model was built from, or written from its layers. */
    public ModelSpec spec() {
        return spec;
    }

    /** The backend it computes on. */
    public Backend backend() {
        return backend;
    }

    /** The dtype of its parameters, buffers and inputs. */
    public DType dtype() {
        return dtype;
    }

    /** The layers. */
    public Sequential network() {
        return network;
    }

    /** The loss the spec names. */
    public Loss loss() {
        return loss;
    }

    /** One example's shape. */
    public Shape inputShape() {
        return spec.input();
    }

    /** Values in one example: the columns of an input batch. */
    public int inputSize() {
        return inputSize;
    }

    /** Outputs per example: the columns of the output. */
    public int outputSize() {
        return outputSize;
    }

    /**
     * The output for {@code x} ({@code n x inputSize}, in this model's dtype): a buffer of the model,
     * valid until the next forward pass.
     */
    public Matrix forward(Matrix x, Pass pass) {
        if (x.cols() != inputSize() || x.dtype() != dtype) {
            throw new IllegalArgumentException("the model takes " + dtype + " input of " + inputSize() + " columns"
                    + " (one example of shape " + spec.input() + " per row), not " + x.dtype() + " " + x.shape());
        }
        enter("forward");
        try {
            forwardThread = Thread.currentThread();
            return network.forward(x, pass);
        } finally {
            busy.set(null);
        }
    }

    /**
     * Backpropagates {@code dL/d(output)} through the last forward pass, which this thread made; see
     * {@link Module#backward}.
     */
    public Matrix backward(Matrix grad, boolean inputGradient) {
        Thread forwarded = forwardThread;
        if (forwarded != Thread.currentThread()) {
            throw new IllegalStateException("a backward pass on thread '" + Thread.currentThread().getName() + "'"
                    + (forwarded == null ? " before any forward pass"
                            : " after the forward pass of thread '" + forwarded.getName() + "'")
                    + ": a model computes on one thread at a time (give each thread its own model, or use a"
                    + " Predictor for inference from many threads)");
        }
        enter("backward");
        try {
            return network.backward(grad, inputGradient);
        } finally {
            busy.set(null);
        }
    }

    /** Marks this thread inside a pass, or fails when another thread is in one. */
    private void enter(String pass) {
        Thread me = Thread.currentThread();
        if (!busy.compareAndSet(null, me)) {
            Thread other = busy.get();
            throw new IllegalStateException("a " + pass + " pass on thread '" + me.getName() + "' while thread '"
                    + (other == null ? "?" : other.getName()) + "' computes with the model: a model computes on one"
                    + " thread at a time (give each thread its own model, or use a Predictor for inference from many"
                    + " threads)");
        }
    }

    /** Every parameter, by {@code state_dict} name, in PyTorch's order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** Every buffer, by {@code state_dict} name. */
    public Map<String, NamedMatrix> buffers() {
        return buffers;
    }

    /** The parameters' values, in the order of {@link #parameters()}: what an optimizer updates. */
    public List<Matrix> parameterValues() {
        return values;
    }

    /**
     * The parameters' values, then the buffers' ({@link #buffers()}'s order): everything a copy of the
     * model must carry.
     */
    public List<Matrix> stateValues() {
        return state;
    }

    /** The parameters' gradients of the last backward pass, in the order of {@link #parameters()}. */
    public List<Matrix> parameterGradients() {
        return gradients;
    }

    /** Parameters and buffers in PyTorch's layout, keyed as {@code state_dict} keys them. */
    public Map<String, TensorData> stateDict() {
        Map<String, TensorData> state = new LinkedHashMap<>();
        parameters.forEach((name, p) -> state.put(name, export(p.value(), p.layout())));
        buffers.forEach((name, b) -> state.put(name, export(b.value(), b.layout())));
        return state;
    }

    /** The tensor of {@code m} in {@code layout}. */
    public TensorData export(Matrix m, TensorLayout layout) {
        return new TensorData(layout.shape(m.rows(), m.cols()),
                layout.toTensor(backend.toArray(m), m.rows(), m.cols()));
    }

    /**
     * Overwrites every parameter and buffer with {@code state}'s tensor of the same name and shape, as
     * PyTorch's {@code load_state_dict(strict=True)}; a {@code num_batches_tracked} entry may be
     * present or not, and is ignored.
     *
     * @throws IllegalArgumentException naming the first tensor missing, unexpected or of the wrong
     *     shape
     */
    public void loadStateDict(Map<String, TensorData> state) {
        Map<String, TensorLayout> expected = new LinkedHashMap<>();
        parameters.forEach((name, p) -> expected.put(name, p.layout()));
        buffers.forEach((name, b) -> expected.put(name, b.layout()));
        for (String name : state.keySet()) {
            if (!expected.containsKey(name) && !name.endsWith("num_batches_tracked")) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "': the model has "
                        + String.join(", ", expected.keySet()));
            }
        }
        expected.forEach((name, layout) -> {
            Matrix target = parameters.containsKey(name) ? parameters.get(name).value() : buffers.get(name).value();
            TensorData t = state.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no tensor '" + name + "'");
            }
            long[] shape = layout.shape(target.rows(), target.cols());
            if (!Arrays.equals(shape, t.shape())) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the model needs " + Arrays.toString(shape));
            }
            backend.copyIn(layout.fromTensor(t.values(), target.rows(), target.cols()), target);
        });
    }

    /**
     * The model as a table, as torchinfo and Keras print one: each layer with its output shape (one
     * example's) and parameter count, then the totals of parameters and of buffers (batch normalisation's
     * running statistics, which are not trained).
     */
    public String summary() {
        List<Module> modules = network.modules();
        List<String[]> rows = new java.util.ArrayList<>();
        Shape shape = spec.input();
        long parameters = 0;
        long buffers = 0;
        for (int i = 0; i < modules.size(); i++) {
            Module module = modules.get(i);
            shape = module.outputShape(shape);
            long own = 0;
            for (Parameter p : module.namedParameters().values()) {
                own += p.value().size();
            }
            for (NamedMatrix b : module.namedBuffers().values()) {
                buffers += b.value().size();
            }
            parameters += own;
            rows.add(new String[] {i + " " + spec.layerSummary(i), shape.toString(), String.format(java.util.Locale.ROOT,
                    "%,d", own)});
        }
        int width = "layer".length();
        int shapeWidth = "output shape".length();
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
            shapeWidth = Math.max(shapeWidth, row[1].length());
        }
        String format = "%-" + width + "s  %-" + shapeWidth + "s  %s%n";
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, format, "layer", "output shape",
                "parameters"));
        s.append(String.format(java.util.Locale.ROOT, format, "input", spec.input(), ""));
        rows.forEach(row -> s.append(String.format(java.util.Locale.ROOT, format, (Object[]) row)));
        s.append(String.format(java.util.Locale.ROOT, "%,d parameters, %,d buffer values; loss %s, %s", parameters,
                buffers, spec.loss(), dtype.label()));
        return String.join("\n", s.toString().lines().map(String::stripTrailing).toList());
    }

    @Override
    public String toString() {
        return "Model(" + spec.input() + " -> " + network + " -> [" + outputSize() + "], " + loss.label() + ", "
                + dtype + ", " + backend.name() + ")";
    }
}
