package org.nn4j.nn.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.RecurrentCell;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Module;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorLayout;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * The recurrent layers {@code torch.nn.RNN}, {@code torch.nn.LSTM} and {@code torch.nn.GRU} with {@code
 * batch_first=True} and a zero initial state: input {@code [T, F]} (a batch is {@code n x (T * F)}), output
 * every step's hidden state {@code [T, D * H]} (PyTorch's {@code output}; {@code D = 2} when bidirectional,
 * each step the forward direction's {@code H} values, then the reverse direction's). Per layer {@code k} and
 * direction, the {@code state_dict} holds {@code weight_ih_l{k}} {@code [G, in]}, {@code weight_hh_l{k}}
 * {@code [G, H]}, {@code bias_ih_l{k}} and {@code bias_hh_l{k}} {@code [G]} (the reverse direction's with
 * {@code _reverse}), {@code G = gates * H} in PyTorch's gate order ({@link RecurrentCell}); all drawn from
 * {@code U(-1/sqrt(H), 1/sqrt(H))}, as PyTorch draws them.
 *
 * <p>Each direction of each layer is one product for all steps' input projections (the input seen as
 * {@code (n * T) x in}) and one backend operation walking the steps ({@link Backend#recurrentForward}). With
 * a {@link SequenceMask} from the layers before, a row's padded steps are skipped, as PyTorch's {@code
 * pack_padded_sequence} skips them: their outputs are zero, and the reverse direction starts at the row's
 * last real step. {@code dropout} applies to the outputs of every layer but the last, in training.
 */
public final class Recurrent extends Module {
    private static final long DROPOUT_SALT = 0x632BE59BD9B4E019L;

    private final Backend backend;
    private final RecurrentCell cell;
    private final int inputSize;
    private final int hidden;
    private final int layers;
    private final int directions;
    private final int steps;
    private final double dropout;
    /**
     * By {@code k * directions + d}: W_ih, W_hh, b_ih, b_hh (the biases null without bias). W_ih is kept {@code in
     * x G} (the transpose of PyTorch's {@code [G, in]}, as {@link Linear} keeps its weight), so that its gradient
     * is a product {@code x^T dP} with G columns: as {@code dP^T x}, with {@code in} columns and {@code n * T} deep,
     * it is far slower on some product kernels.
     */
    private final Parameter[][] weights;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Dropout[] dropouts;
    private final Buffers[] projections;
    /** By layer and direction: {@code b_ih + b_hh}, the bias of the gates but for a GRU's candidate. */
    private final Buffers[] biasSums;
    /** By layer: both directions' outputs, each step's forward {@code H} values then the reverse direction's. */
    private final Buffers[] outputs;
    private final Buffers[] caches;
    private final Buffers[] projectionGrads;
    private final Buffers[] inputGrads;
    private final Views views = new Views();
    private final Matrix[] layerInputs;
    private SequenceMask mask;
    private boolean initialized;

    /**
     * A recurrent layer as PyTorch's {@code RNN}/{@code LSTM}/{@code GRU(input_size, hidden_size, num_layers,
     * bias, batch_first=True, dropout, bidirectional)} on sequences of {@code steps} steps.
     */
    public Recurrent(Backend backend, DType dtype, RecurrentCell cell, int steps, int inputSize, int hiddenSize,
            int numLayers, boolean bias, double dropout, boolean bidirectional) {
        if (steps < 1 || inputSize < 1 || hiddenSize < 1 || numLayers < 1 || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("a recurrent layer needs positive sizes and dropout in [0, 1), not T="
                    + steps + " input_size=" + inputSize + " hidden_size=" + hiddenSize + " num_layers=" + numLayers
                    + " dropout=" + dropout);
        }
        this.backend = backend;
        this.cell = cell;
        this.steps = steps;
        this.inputSize = inputSize;
        this.hidden = hiddenSize;
        this.layers = numLayers;
        this.directions = bidirectional ? 2 : 1;
        this.dropout = dropout;
        int g = cell.gates() * hiddenSize;
        int count = numLayers * directions;
        weights = new Parameter[count][];
        for (int k = 0; k < numLayers; k++) {
            int in = k == 0 ? inputSize : directions * hiddenSize;
            for (int d = 0; d < directions; d++) {
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                Parameter[] w = {parameter("weight_ih" + suffix, dtype, in, g, TensorLayout.TRANSPOSED),
                    parameter("weight_hh" + suffix, dtype, g, hiddenSize, TensorLayout.MATRIX),
                    bias ? parameter("bias_ih" + suffix, dtype, 1, g, TensorLayout.VECTOR) : null,
                    bias ? parameter("bias_hh" + suffix, dtype, 1, g, TensorLayout.VECTOR) : null};
                weights[k * directions + d] = w;
                for (Parameter p : w) {
                    if (p != null) {
                        parameters.add(p);
                    }
                }
            }
        }
        dropouts = new Dropout[numLayers];
        for (int k = 0; k + 1 < numLayers; k++) {
            dropouts[k] = new Dropout(backend, dropout, Initialization.salt(0) ^ DROPOUT_SALT * (k + 1));
        }
        projections = buffers(count);
        biasSums = buffers(count);
        outputs = buffers(numLayers);
        caches = buffers(count);
        projectionGrads = buffers(count);
        inputGrads = buffers(numLayers);
        layerInputs = new Matrix[numLayers];
    }

    private Parameter parameter(String name, DType dtype, int rows, int cols, TensorLayout layout) {
        return new Parameter(name, backend.zeros(dtype, rows, cols), backend.zeros(dtype, rows, cols), layout);
    }

    private Buffers[] buffers(int count) {
        Buffers[] out = new Buffers[count];
        for (int i = 0; i < count; i++) {
            out[i] = new Buffers(backend);
        }
        return out;
    }

    /** The cell: RNN with tanh or ReLU, LSTM or GRU. */
    public RecurrentCell cell() {
        return cell;
    }

    /** {@code hidden_size}. */
    public int hiddenSize() {
        return hidden;
    }

    /** {@code input_size}. */
    public int inputSize() {
        return inputSize;
    }

    /** {@code num_layers}. */
    public int numLayers() {
        return layers;
    }

    /** {@code bidirectional}. */
    public boolean bidirectional() {
        return directions == 2;
    }

    /** {@code bias}. */
    public boolean bias() {
        return weights[0][2] != null;
    }

    /** {@code dropout}: the probability of zeroing an output of a layer other than the last, in training. */
    public double dropout() {
        return dropout;
    }

    /** Draws every weight and bias from {@code U(-1/sqrt(H), 1/sqrt(H))} in PyTorch's order, from {@code init}'s random. */
    @Override
    public void initialize(Initialization init) {
        Random random = init.random();
        double bound = 1 / Math.sqrt(hidden);
        for (Parameter p : parameters) {
            double[] values = new double[p.value().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (2 * random.nextDouble() - 1) * bound;
            }
            backend.copyIn(values, p.value());
        }
        for (int k = 0; k + 1 < layers; k++) {
            dropouts[k] = new Dropout(backend, dropout, init.salt() ^ DROPOUT_SALT * (k + 1));
        }
        initialized = true;
    }

    /** Keeps the mask of its input, whose lengths each pass reads, and passes it on. */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        this.mask = input;
        return input;
    }

    private int[] lengths(int rows) {
        if (mask == null || mask.full()) {
            return null;
        }
        if (mask.rows() != rows) {
            throw new IllegalStateException(this + ": the sequence mask holds " + mask.rows() + " rows, the batch "
                    + rows);
        }
        return mask.lengths();
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
        int n = x.rows();
        int[] lengths = lengths(n);
        DType dtype = x.dtype();
        int g = cell.gates() * hidden;
        Matrix input = x;
        for (int k = 0; k < layers; k++) {
            layerInputs[k] = input;
            int in = k == 0 ? inputSize : directions * hidden;
            Matrix steps2d = views.of(input, n * steps, in);
            Matrix out = outputs[k].get(dtype, n, steps * directions * hidden);
            for (int d = 0; d < directions; d++) {
                int i = k * directions + d;
                Parameter[] w = weights[i];
                Matrix proj = projections[i].get(dtype, n * steps, g);
                backend.gemm(false, false, 1, steps2d, w[0].value(), 0, proj);
                Matrix biasHh = w[3] == null ? null : w[3].value();
                if (w[2] != null && !cell.addsHiddenToProjections()) {
                    backend.addRowVector(proj, w[2].value(), proj);
                } else if (w[2] != null) {
                    // b_ih and b_hh act as one bias, added once a step in the recurrence's cache-warm pass
                    // rather than to every projection in a pass of its own.
                    biasHh = biasSums[i].get(dtype, 1, g);
                    backend.axpby(1, w[2].value(), 1, w[3].value(), biasHh);
                }
                backend.recurrentForward(cell, proj, w[1].value(), biasHh, lengths, d == 1, out,
                        caches[i].get(dtype, n * steps, cell.cacheWidth(hidden)));
            }
            input = k + 1 < layers ? dropouts[k].forward(out, pass) : out;
        }
        return input;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        int[] lengths = lengths(n);
        DType dtype = grad.dtype();
        int g = cell.gates() * hidden;
        Matrix upstream = grad;
        for (int k = layers - 1; k >= 0; k--) {
            int in = k == 0 ? inputSize : directions * hidden;
            boolean needInput = k > 0 || inputGradient;
            Matrix inputGrad = needInput ? inputGrads[k].get(dtype, n, steps * in) : null;
            Matrix steps2d = views.of(layerInputs[k], n * steps, in);
            for (int d = 0; d < directions; d++) {
                int i = k * directions + d;
                Parameter[] w = weights[i];
                Matrix projGrad = projectionGrads[i].get(dtype, n * steps, g);
                // b_ih and b_hh have one gradient where they act as one bias: copied rather than summed twice.
                boolean sameBiasGrads = cell.addsHiddenToProjections();
                backend.recurrentBackward(cell, w[1].value(), lengths, d == 1,
                        outputs[k].get(dtype, n, steps * directions * hidden),
                        caches[i].get(dtype, n * steps, cell.cacheWidth(hidden)), upstream, projGrad, w[1].grad(),
                        w[3] == null || sameBiasGrads ? null : w[3].grad());
                backend.gemm(true, false, 1, steps2d, projGrad, 0, w[0].grad());
                if (w[2] != null) {
                    backend.columnSums(projGrad, w[2].grad());
                    if (sameBiasGrads) {
                        backend.copy(w[2].grad(), w[3].grad());
                    }
                }
                if (needInput) {
                    backend.gemm(false, true, 1, projGrad, w[0].value(), d == 0 ? 0 : 1,
                            views.of(inputGrad, n * steps, in));
                }
            }
            upstream = k > 0 ? dropouts[k - 1].backward(inputGrad, true) : inputGrad;
        }
        return upstream;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 2 || in.dims().get(0) != steps || in.dims().get(1) != inputSize) {
            throw new IllegalArgumentException(typeName(cell) + " takes input of shape [" + steps + ", " + inputSize
                    + "], not " + in);
        }
        return Shape.of(steps, directions * hidden);
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return (cell == RecurrentCell.LSTM ? "LSTM" : cell == RecurrentCell.GRU ? "GRU" : "RNN") + "(" + inputSize
                + ", " + hidden + (layers > 1 ? ", num_layers=" + layers : "") + (bias() ? "" : ", bias=False")
                + (dropout > 0 ? ", dropout=" + dropout : "") + (directions == 2 ? ", bidirectional=True" : "")
                + (cell == RecurrentCell.RNN_RELU ? ", nonlinearity='relu'" : "") + ")";
    }

    private static String typeName(RecurrentCell cell) {
        return cell == RecurrentCell.LSTM ? "lstm" : cell == RecurrentCell.GRU ? "gru" : "rnn";
    }

    /**
     * Views ({@link Backend#reshape}) of the matrices this layer sees again batch after batch, made once per
     * matrix and shape and kept, so that a warm pass makes none.
     */
    private final class Views {
        private final Map<Matrix, Matrix> byMatrix = new java.util.IdentityHashMap<>();

        Matrix of(Matrix m, int rows, int cols) {
            Matrix view = byMatrix.get(m);
            if (view == null || view.rows() != rows || view.cols() != cols) {
                if (byMatrix.size() > 64) {
                    byMatrix.clear();
                }
                view = backend.reshape(m, rows, cols);
                byMatrix.put(m, view);
            }
            return view;
        }
    }

    /** What the three layer types share: PyTorch's constructor arguments, the input's shape checked. */
    private abstract static class Type implements LayerType {
        abstract RecurrentCell cell(LayerConfig config);

        @Override
        public List<HyperParameter> hyperParameters() {
            List<HyperParameter> list = new ArrayList<>();
            list.add(HyperParameter.optionalInteger("input_size", 1, "features per step; inferred from the input"));
            list.add(HyperParameter.requiredInteger("hidden_size", 1, "features of the hidden state"));
            list.add(new HyperParameter("num_layers", HyperParameter.Kind.INTEGER, 1, false, 1, true, Double.NaN,
                    false, List.of(), "recurrent layers stacked, each on the outputs of the one before"));
            list.add(HyperParameter.bool("bias", true, "whether to learn the biases b_ih and b_hh"));
            list.add(HyperParameter.number("dropout", 0, 0, true, 1, false,
                    "dropout on the outputs of each layer but the last, in training"));
            list.add(HyperParameter.bool("bidirectional", false, "a second direction from the last step back"));
            return list;
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 2) {
                throw config.error(null, "takes a sequence of shape [T, F] (steps, features), not " + in);
            }
            int steps = in.dims().get(0);
            int features = in.dims().get(1);
            if (config.has("input_size") && config.integer("input_size") != features) {
                throw config.error("input_size", "is " + config.integer("input_size") + " but its input " + in + " has "
                        + features + " features per step");
            }
            RecurrentCell cell = cell(config);
            int h = config.integer("hidden_size");
            int layers = config.integer("num_layers");
            int directions = config.bool("bidirectional") ? 2 : 1;
            long g = (long) cell.gates() * h;
            long count = 0;
            for (int k = 0; k < layers; k++) {
                count += directions * (g * ((k == 0 ? features : directions * h) + h) + (config.bool("bias") ? 2 * g : 0));
            }
            config.reserve(count);
            return new Recurrent(config.backend(), config.dtype(), cell, steps, features, h, layers, config.bool("bias"),
                    config.number("dropout"), directions == 2);
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Recurrent r) || !name().equals(typeName(r.cell()))) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("hidden_size", r.hiddenSize());
            if (r.cell() == RecurrentCell.RNN_RELU) {
                values.put("nonlinearity", "relu");
            }
            if (r.numLayers() != 1) {
                values.put("num_layers", r.numLayers());
            }
            if (!r.bias()) {
                values.put("bias", false);
            }
            if (r.dropout() != 0) {
                values.put("dropout", r.dropout());
            }
            if (r.bidirectional()) {
                values.put("bidirectional", true);
            }
            return values;
        }
    }

    /** The layer type {@code rnn}: {@code torch.nn.RNN}, {@code nonlinearity} tanh or relu. */
    public static final class RnnType extends Type {
        @Override
        public String name() {
            return "rnn";
        }

        @Override
        public String description() {
            return "Elman recurrent layer h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), batch first (torch.nn.RNN)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            List<HyperParameter> list = new ArrayList<>(super.hyperParameters());
            list.add(2, HyperParameter.choice("nonlinearity", "tanh", List.of("tanh", "relu"), "the cell's activation"));
            return list;
        }

        @Override
        RecurrentCell cell(LayerConfig config) {
            return config.string("nonlinearity").equals("relu") ? RecurrentCell.RNN_RELU : RecurrentCell.RNN_TANH;
        }
    }

    /** The layer type {@code lstm}: {@code torch.nn.LSTM}, gates i, f, g, o. */
    public static final class LstmType extends Type {
        @Override
        public String name() {
            return "lstm";
        }

        @Override
        public String description() {
            return "long short-term memory, gates i, f, g, o, batch first (torch.nn.LSTM)";
        }

        @Override
        RecurrentCell cell(LayerConfig config) {
            return RecurrentCell.LSTM;
        }
    }

    /** The layer type {@code gru}: {@code torch.nn.GRU}, gates r, z, n. */
    public static final class GruType extends Type {
        @Override
        public String name() {
            return "gru";
        }

        @Override
        public String description() {
            return "gated recurrent unit, gates r, z, n, the reset gate after the hidden product, batch first"
                    + " (torch.nn.GRU)";
        }

        @Override
        RecurrentCell cell(LayerConfig config) {
            return RecurrentCell.GRU;
        }
    }
}
