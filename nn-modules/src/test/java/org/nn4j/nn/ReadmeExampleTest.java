package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/** The Java example in README.md, as it stands there, so the documentation keeps compiling and running. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() {
        Backend backend = Backends.select("ejml");
        NeuralNetwork net = NeuralNetwork.builder(backend).dtype(DType.FLOAT64)
                .inputSize(2).hiddenSizes(2).outputSize(1).activation(ActivationKind.SIGMOID).seed(1).build();
        Loss mse = new MeanSquaredError(backend);
        Matrix x = backend.fromArray(DType.FLOAT64, 1, 2, new double[] {1, 1});
        Matrix y = backend.fromArray(DType.FLOAT64, 1, 1, new double[] {0});
        Matrix prediction = net.forward(x);
        NetworkGradients grads = net.backward(mse.backward(prediction, y));

        assertEquals("1x2", grads.input().shape());
        assertEquals("2x2", grads.weights().get(0).shape());
        assertEquals("1x1", grads.biases().get(1).shape());
        // The output layer's bias gradient of a batch of one is dL/dp = p - y = p.
        assertEquals(backend.toArray(prediction)[0], backend.toArray(grads.biases().get(1))[0]);
    }
}
