package org.nn4j.examples;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Loss;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.seed.NetworkGradients;
import org.nn4j.seed.NeuralNetwork;

/** The assignment's network: a 2-2-1 sigmoid network, one forward and one backward pass of its example. */
public final class SeedNetworkExample {

    private SeedNetworkExample() {
    }

    public static void main(String[] args) {
        // README: seed
        Backend backend = Backends.select("ejml");
        NeuralNetwork net = NeuralNetwork.builder(backend).dtype(DType.FLOAT64)
                .inputSize(2).hiddenSizes(2).outputSize(1).activation(ActivationKind.SIGMOID).seed(1).build();
        Loss mse = new MeanSquaredError(backend);
        Matrix x = backend.fromArray(DType.FLOAT64, 1, 2, new double[] {1, 1});
        Matrix y = backend.fromArray(DType.FLOAT64, 1, 1, new double[] {0});
        Matrix prediction = net.forward(x);
        NetworkGradients grads = net.backward(mse.backward(prediction, y));
        // README end
        System.out.println("prediction " + backend.toArray(prediction)[0] + ", loss " + mse.forward(prediction, y)
                + ", output bias gradient " + backend.toArray(grads.biases().get(1))[0] + ", first layer's weight"
                + " gradient " + java.util.Arrays.toString(backend.toArray(grads.weights().get(0))));
    }
}
