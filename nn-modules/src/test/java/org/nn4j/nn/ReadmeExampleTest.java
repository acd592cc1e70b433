package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

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

    /** The Models section's example, with a batch of two made up for it; run from the module's folder. */
    @Test
    void theModelsExampleRuns() {
        Backend backend = Backends.select("ejml");
        Matrix x = backend.fromArray(DType.FLOAT32, 2, 784, new double[2 * 784]);
        Matrix y = backend.fromArray(DType.FLOAT32, 2, 10, new double[20]);
        backend.fill(y, 0.1);
        ModelSpec spec = ModelSpec.read(java.nio.file.Path.of("..", "examples/specs/fashion-regularized.json"));
        Model model = ModuleRegistry.load().build(spec, backend, DType.FLOAT32, 42, "spec");
        Matrix logits = model.forward(x, Pass.eval());           // x: n x 784; Pass.training(seed) to train
        Matrix inputGrad = model.backward(model.loss().backward(logits, y), true);
        model.parameters().forEach((name, p) -> System.out.println(name + " " + p.grad().shape()));

        assertEquals("2x784", inputGrad.shape());
        assertEquals(java.util.List.of("0.weight", "1.weight", "1.bias", "4.weight", "4.bias", "7.weight", "7.bias"),
                java.util.List.copyOf(model.parameters().keySet()));
    }
}
