package org.nn4j.seed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.GradientCheck;
import org.nn4j.nn.Loss;
import org.nn4j.nn.WeightInit;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;

/**
 * Every backward pass against central differences in float64: each layer, activation and loss on its
 * own, then whole networks for every activation and loss.
 */
class GradientCheckTest {
    /** Central differences with step 1e-5 agree with exact gradients to about 1e-9 here; 1e-6 leaves room. */
    private static final double MAX_ERROR = 1e-6;
    private static final double FLOOR = 1e-7;
    private static final DType F64 = DType.FLOAT64;

    private final Backend backend = Backends.select("ejml");
    private final Random random = new Random(7);

    @Test
    void fullyConnectedLayer() {
        FullyConnectedLayer layer = new FullyConnectedLayer(backend, F64, 4, 3);
        layer.initialize(WeightInit.RANDN, random);
        backend.copyIn(gaussian(3), layer.bias());
        Matrix x = randomMatrix(5, 4);
        Matrix upstream = randomMatrix(5, 3);
        DoubleSupplier loss = () -> backend.dot(layer.forward(x), upstream);

        LayerGradients analytic = layer.backward(x, upstream);
        assertAgrees("dL/dx", analytic.input(), x, loss);
        assertAgrees("dL/dW", analytic.weights(), layer.weights(), loss);
        assertAgrees("dL/db", analytic.bias(), layer.bias(), loss);
    }

    @ParameterizedTest
    @EnumSource(ActivationKind.class)
    void activation(ActivationKind kind) {
        Activation activation = Activation.of(backend, kind);
        Matrix x = randomMatrix(6, 5);
        Matrix upstream = randomMatrix(6, 5);
        DoubleSupplier loss = () -> backend.dot(activation.forward(x), upstream);
        assertAgrees(kind + " dL/dx", activation.backward(x, upstream), x, loss);
    }

    @ParameterizedTest
    @ValueSource(strings = {MeanSquaredError.LABEL, SoftmaxCrossEntropy.LABEL})
    void loss(String label) {
        Loss loss = org.nn4j.nn.spec.ModuleRegistry.builtIn().loss(label, backend, "test");
        Matrix prediction = randomMatrix(7, 4);
        Matrix target = targets(label, 7, 4);
        assertAgrees(label + " dL/dp", loss.backward(prediction, target), prediction,
                () -> loss.forward(prediction, target));
    }

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (ActivationKind activation : ActivationKind.values()) {
            for (String loss : List.of(MeanSquaredError.LABEL, SoftmaxCrossEntropy.LABEL)) {
                cases.add(Arguments.of(activation, loss));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("networks")
    void wholeNetwork(ActivationKind activation, String lossLabel) {
        NeuralNetwork network = NeuralNetwork.builder(backend).dtype(F64).inputSize(4).hiddenSizes(6, 5)
                .outputSize(3).activation(activation).init(WeightInit.RANDN).seed(11).build();
        for (FullyConnectedLayer layer : network.layers()) {
            backend.copyIn(gaussian(layer.outputSize()), layer.bias());
        }
        Loss loss = org.nn4j.nn.spec.ModuleRegistry.builtIn().loss(lossLabel, backend, "test");
        Matrix x = randomMatrix(5, 4);
        Matrix y = targets(lossLabel, 5, 3);
        DoubleSupplier lossOfNetwork = () -> loss.forward(network.forward(x), y);

        Matrix prediction = network.forward(x);
        NetworkGradients analytic = network.backward(loss.backward(prediction, y));
        double[] inputGrad = backend.toArray(analytic.input());
        List<double[]> weightGrads = analytic.weights().stream().map(backend::toArray).toList();
        List<double[]> biasGrads = analytic.biases().stream().map(backend::toArray).toList();

        assertAgrees("dL/dx", inputGrad, x, lossOfNetwork);
        for (int i = 0; i < network.layers().size(); i++) {
            assertAgrees("dL/dW" + (i + 1), weightGrads.get(i), network.layers().get(i).weights(), lossOfNetwork);
            assertAgrees("dL/db" + (i + 1), biasGrads.get(i), network.layers().get(i).bias(), lossOfNetwork);
        }
    }

    private void assertAgrees(String what, Matrix analytic, Matrix parameter, DoubleSupplier loss) {
        assertAgrees(what, backend.toArray(analytic), parameter, loss);
    }

    private void assertAgrees(String what, double[] analytic, Matrix parameter, DoubleSupplier loss) {
        double[] numerical = GradientCheck.numerical(backend, parameter, loss, GradientCheck.STEP);
        double error = GradientCheck.maxRelativeError(analytic, numerical, FLOOR);
        assertTrue(error < MAX_ERROR, what + ": analytic and numerical gradients differ by " + error);
    }

    private Matrix randomMatrix(int rows, int cols) {
        return backend.fromArray(F64, rows, cols, gaussian(rows * cols));
    }

    /** One-hot rows for softmax cross-entropy, any values for MSE. */
    private Matrix targets(String loss, int rows, int cols) {
        if (loss.equals(MeanSquaredError.LABEL)) {
            return randomMatrix(rows, cols);
        }
        double[] oneHot = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            oneHot[i * cols + random.nextInt(cols)] = 1;
        }
        return backend.fromArray(F64, rows, cols, oneHot);
    }

    private double[] gaussian(int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }
}
