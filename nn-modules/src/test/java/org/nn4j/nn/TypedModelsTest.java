package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Window2d;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.BatchNorm1d;
import org.nn4j.nn.layers.BatchNorm2d;
import org.nn4j.nn.layers.Conv2d;
import org.nn4j.nn.layers.Dropout;
import org.nn4j.nn.layers.Flatten;
import org.nn4j.nn.layers.LeakyReLU;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.layers.Pool2d;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Models made in Java from typed layers: the spec written from them, their initial tensors and passes
 * against the same model built from a spec file, initialisation, and the fusion hook.
 */
class TypedModelsTest {
    static final String DENSE_SPEC = "{\"input\": [6], \"layers\": ["
            + "{\"type\": \"linear\", \"out_features\": 16, \"bias\": false}, {\"type\": \"batchnorm1d\"},"
            + " {\"type\": \"leaky_relu\", \"negative_slope\": 0.1}, {\"type\": \"dropout\", \"p\": 0.2},"
            + " {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"tanh\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"softmax_cross_entropy\"}";
    static final String IMAGE_SPEC = "{\"input\": [1, 2, 3], \"layers\": [{\"type\": \"conv2d\","
            + " \"out_channels\": 4, \"kernel_size\": 2, \"padding\": 1}, {\"type\": \"batchnorm2d\"},"
            + " {\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"kernel_size\": 2}, {\"type\": \"flatten\"},"
            + " {\"type\": \"dropout\"}, {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"mse\"}";

    private final Backend backend = Backends.select("ejml");
    private final ModuleRegistry registry = ModuleRegistry.builtIn();

    /** The layers of {@link #DENSE_SPEC}, made in Java. */
    static Sequential dense(Backend backend, DType dtype) {
        return new Sequential(new Linear(backend, dtype, 6, 16, false), new BatchNorm1d(backend, dtype, 16),
                new LeakyReLU(backend, 0.1), new Dropout(backend, 0.2), new Linear(backend, dtype, 16, 8),
                new ActivationLayer(backend, ActivationKind.TANH), new Linear(backend, dtype, 8, 3));
    }

    /** The layers of {@link #IMAGE_SPEC}, made in Java. */
    static Sequential images(Backend backend, DType dtype) {
        Shape input = Shape.of(1, 2, 3);
        Conv2d conv = new Conv2d(backend, dtype, input, 4, 2, 1, 1);
        Shape convolved = conv.outputShape(input);
        return new Sequential(conv, new BatchNorm2d(backend, dtype, convolved),
                new ActivationLayer(backend, ActivationKind.RELU), Pool2d.max(backend, dtype, convolved, 2),
                new Flatten(), new Dropout(backend, 0.5), new Linear(backend, dtype, 8, 3));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aDenseModelMadeInJavaIsTheModelOfItsSpecFile(DType dtype) {
        Model typed = Model.of(backend, dtype, Shape.of(6), dense(backend, dtype), new SoftmaxCrossEntropy(backend), 5);
        Model fromFile = registry.build(ModelSpec.parse(DENSE_SPEC, "spec"), backend, dtype, 5, "spec");
        assertSameModels(fromFile, typed, 6, 3);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void anImageModelMadeInJavaIsTheModelOfItsSpecFile(DType dtype) {
        Model typed = Model.of(backend, dtype, Shape.of(1, 2, 3), images(backend, dtype), new MeanSquaredError(backend),
                9);
        Model fromFile = registry.build(ModelSpec.parse(IMAGE_SPEC, "spec"), backend, dtype, 9, "spec");
        assertSameModels(fromFile, typed, 6, 3);
    }

    /** The same spec, the same initial tensors, and the same outputs and gradients in a training pass, bit for bit. */
    private void assertSameModels(Model expected, Model actual, int inputs, int outputs) {
        assertEquals(expected.spec().toJson(), actual.spec().toJson());
        assertEquals(expected.stateDict(), actual.stateDict());
        SplittableRandom random = new SplittableRandom(1);
        double[] x = random.doubles(5L * inputs, -2, 2).toArray();
        double[] y = new double[5 * outputs];
        for (int i = 0; i < 5; i++) {
            y[i * outputs + i % outputs] = 1;
        }
        List<double[]> results = new java.util.ArrayList<>();
        for (Model model : List.of(expected, actual)) {
            Matrix in = backend.fromArray(model.dtype(), 5, inputs, x);
            Matrix target = backend.fromArray(model.dtype(), 5, outputs, y);
            Pass pass = Pass.training(3);
            pass.keyRows(4, new int[] {7, 1, 3, 0, 2}, 0, 5);
            Matrix out = model.forward(in, pass);
            Matrix grad = backend.zeros(model.dtype(), 5, outputs);
            model.loss().forwardBackward(out, target, grad);
            results.add(backend.toArray(out));
            results.add(backend.toArray(model.backward(grad, true)));
            model.parameterGradients().forEach(g -> results.add(backend.toArray(g)));
        }
        int half = results.size() / 2;
        for (int i = 0; i < half; i++) {
            assertArrayEquals(results.get(i), results.get(half + i), "array " + i);
        }
    }

    @Test
    void everyBuiltInTypeWritesItsModuleBackAsItsEntry() {
        String spec = "{\"input\": [2, 6, 6], \"layers\": ["
                + "{\"type\": \"conv2d\", \"out_channels\": 3, \"kernel_size\": [3, 2], \"stride\": [1, 2],"
                + " \"padding\": 1, \"bias\": false, \"init\": \"randn\"},"
                + " {\"type\": \"batchnorm2d\", \"eps\": 0.001, \"momentum\": 0.2, \"affine\": false},"
                + " {\"type\": \"sigmoid\"}, {\"type\": \"avgpool2d\", \"kernel_size\": 3, \"stride\": 1,"
                + " \"padding\": 1}, {\"type\": \"maxpool2d\", \"kernel_size\": 2}, {\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out_features\": 5, \"init\": \"xavier\"},"
                + " {\"type\": \"batchnorm1d\", \"affine\": false}, {\"type\": \"leaky_relu\"},"
                + " {\"type\": \"dropout\", \"p\": 0.3}, {\"type\": \"tanh\"}, {\"type\": \"relu\"},"
                + " {\"type\": \"linear\", \"out_features\": 2, \"bias\": false, \"init\": \"he\"}],"
                + " \"loss\": \"mse\"}";
        Model model = registry.build(ModelSpec.parse(spec, "spec"), backend, DType.FLOAT64, 1, "spec");
        assertEquals(ModelSpec.parse(spec, "spec").toJson(),
                registry.spec(model.inputShape(), model.network(), model.loss()).toJson());
    }

    @Test
    void aLayerMadeWithNewRefusesToComputeUntilInitialised() {
        Linear linear = new Linear(backend, DType.FLOAT64, 3, 2);
        Matrix x = backend.fromArray(DType.FLOAT64, 1, 3, new double[] {1, 2, 3});
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> linear.forward(x, Pass.eval()));
        assertEquals("Linear(3, 2) has not been initialised: its weights are drawn when a Model is made of it"
                + " (Model.of) or by initialize(seed)", error.getMessage());
        Conv2d conv = new Conv2d(backend, DType.FLOAT64, Shape.of(1, 3, 3), 2, 2, 1, 0);
        assertThrows(IllegalStateException.class, () -> conv.forward(backend.zeros(DType.FLOAT64, 1, 9), Pass.eval()));

        linear.initialize(4);
        assertFalse(java.util.Arrays.stream(backend.toArray(linear.weight().value())).anyMatch(w -> w == 0));
        assertArrayEquals(new double[2], backend.toArray(linear.bias().value()));
        // On its own, with nothing beside it, a layer draws Xavier's weights, as the spec's auto does.
        Model alone = registry.build(ModelSpec.builder(3).layer("linear", "out_features", 2).loss("mse").build(),
                backend, DType.FLOAT64, 4, "spec");
        assertArrayEquals(backend.toArray(alone.parameterValues().get(0)), backend.toArray(linear.weight().value()));
        assertEquals(2, linear.forward(x, Pass.eval()).cols());
    }

    @Test
    void aLayerDrawsForTheActivationBesideItOrAsItIsTold() {
        Sequential relu = new Sequential(new Linear(backend, DType.FLOAT64, 50, 40),
                new ActivationLayer(backend, ActivationKind.RELU));
        relu.initialize(2);
        double he = Math.sqrt(2.0 / 50);
        assertEquals(he, deviation(backend.toArray(((Linear) relu.modules().get(0)).weight().value())), 0.1 * he);
        Linear told = new Linear(backend, DType.FLOAT64, 50, 40, true, WeightInit.RANDN);
        new Sequential(told, new ActivationLayer(backend, ActivationKind.RELU)).initialize(2);
        assertEquals(1, deviation(backend.toArray(told.weight().value())), 0.1);
        assertEquals(WeightInit.RANDN, told.init());
    }

    private static double deviation(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        return Math.sqrt(java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
    }

    @Test
    void initialisingAgainStartsOverFromTheSeed() {
        Sequential layers = dense(backend, DType.FLOAT64);
        Model first = Model.of(backend, DType.FLOAT64, Shape.of(6), layers, new SoftmaxCrossEntropy(backend), 5);
        Map<String, TensorData> initial = first.stateDict();
        backend.fill(first.parameterValues().get(1), 3);
        Model again = Model.of(backend, DType.FLOAT64, Shape.of(6), layers, new SoftmaxCrossEntropy(backend), 5);
        assertEquals(initial, again.stateDict());
    }

    /** A module no layer type writes: the identity. */
    private static final class Unnamed extends Module {
        @Override
        public Matrix forward(Matrix x, Pass pass) {
            return x;
        }

        @Override
        public Matrix backward(Matrix grad, boolean inputGradient) {
            return grad;
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public String toString() {
            return "Unnamed()";
        }
    }

    @Test
    void whatASpecCannotSayIsRefusedNamingTheLayer() {
        Sequential unnamed = new Sequential(new Linear(backend, DType.FLOAT32, 2, 2), new Unnamed());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Model.of(backend,
                DType.FLOAT32, Shape.of(2), unnamed, new MeanSquaredError(backend), 1));
        assertTrue(error.getMessage().startsWith("layers[1] (Unnamed()): no layer type here writes a "
                + Unnamed.class.getName() + " as a spec entry (LayerType.write); known types: avgpool2d, batchnorm1d,"),
                error.getMessage());

        Sequential float64 = new Sequential(new Linear(backend, DType.FLOAT64, 2, 2));
        error = assertThrows(IllegalArgumentException.class, () -> Model.of(backend, DType.FLOAT32, Shape.of(2),
                float64, new MeanSquaredError(backend), 1));
        assertEquals("layers[0] (Linear(2, 2)) holds float64 values, but the model is float32", error.getMessage());

        error = assertThrows(IllegalArgumentException.class, () -> Model.of(backend, DType.FLOAT64, Shape.of(3),
                float64, new MeanSquaredError(backend), 1));
        assertEquals("linear takes input of shape [2], not [3]", error.getMessage());

        Loss unknown = new Loss() {
            @Override
            public String label() {
                return "hinge";
            }

            @Override
            public double forward(Matrix prediction, Matrix target) {
                return 0;
            }

            @Override
            public void backward(Matrix prediction, Matrix target, Matrix out) {
            }

            @Override
            public Matrix backward(Matrix prediction, Matrix target) {
                return prediction;
            }
        };
        error = assertThrows(IllegalArgumentException.class, () -> Model.of(backend, DType.FLOAT64, Shape.of(2),
                float64, unknown, 1));
        assertTrue(error.getMessage().contains("is labelled 'hinge', which names no loss type here; known: l1, mse,"),
                error.getMessage());
    }

    /** Doubles its input; offers to run with a next {@code Doubler} as one step, and counts the steps. */
    private static final class Doubler extends Module {
        private final Backend backend;
        private final Buffers outputs;
        int fusedSteps;

        Doubler(Backend backend) {
            this.backend = backend;
            this.outputs = new Buffers(backend);
        }

        @Override
        public Matrix forward(Matrix x, Pass pass) {
            Matrix out = outputs.get(x.dtype(), x.rows(), x.cols());
            backend.scale(2, x, out);
            return out;
        }

        @Override
        public FusedStep fuseWith(Module next) {
            return next instanceof Doubler ? (x, pass) -> {
                fusedSteps++;
                Matrix out = outputs.get(x.dtype(), x.rows(), x.cols());
                backend.scale(4, x, out);
                return out;
            } : null;
        }

        @Override
        public Matrix backward(Matrix grad, boolean inputGradient) {
            return grad;
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }
    }

    @Test
    void aModuleThatOffersAFusedStepRunsItWithTheNextOne() {
        Doubler first = new Doubler(backend);
        Sequential layers = new Sequential(first, new Doubler(backend), new Doubler(backend));
        Matrix x = backend.fromArray(DType.FLOAT64, 1, 2, new double[] {1, -3});
        assertArrayEquals(new double[] {8, -24}, backend.toArray(layers.forward(x, Pass.eval())));
        assertEquals(1, first.fusedSteps);

        Linear withBias = new Linear(backend, DType.FLOAT64, 2, 2);
        ActivationLayer relu = new ActivationLayer(backend, ActivationKind.RELU);
        assertNotNull(withBias.fuseWith(relu));
        assertNull(withBias.fuseWith(new Flatten()));
        assertNull(new Linear(backend, DType.FLOAT64, 2, 2, false).fuseWith(relu));
    }

    @Test
    void typedConstructorsMatchTheirTorchDefaults() {
        Window2d window = new Window2d(1, 2, 3, 2, 2, 1, 1, 1, 1);
        Conv2d byWindow = new Conv2d(backend, DType.FLOAT64, window, 4, true);
        Conv2d bySizes = new Conv2d(backend, DType.FLOAT64, Shape.of(1, 2, 3), 4, 2, 1, 1);
        assertEquals(byWindow.toString(), bySizes.toString());
        assertEquals("BatchNorm1d(16, eps=1.0E-5, momentum=0.1, affine=true)",
                new BatchNorm1d(backend, DType.FLOAT64, 16).toString());
        assertEquals("LeakyReLU(0.01)", new LeakyReLU(backend).toString());
        assertEquals("AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))",
                Pool2d.avg(backend, DType.FLOAT64, Shape.of(3, 4, 4), 2).toString());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(backend, DType.FLOAT64, Shape.of(6), 4, 2, 1, 1));
        assertEquals("conv2d takes input of shape [channels, height, width], not [6]", error.getMessage());
    }
}
