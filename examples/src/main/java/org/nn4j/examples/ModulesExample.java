package org.nn4j.examples;

import java.nio.file.Path;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Dropout;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A model made in Java from typed layers, or built from a model spec file, on a backend; one forward
 * and one backward pass, and its parameters' gradients by {@code state_dict} name. Argument: a model
 * spec file (default: none, the layers in Java).
 */
public final class ModulesExample {

    private ModulesExample() {
    }

    public static void main(String[] args) {
        // README: modules
        Backend backend = Backends.select("ejml");
        Model model = args.length == 0
                ? Model.of(backend, DType.FLOAT32, Shape.of(784), new Sequential(   // layers made in Java
                        new Linear(backend, DType.FLOAT32, 784, 256),
                        new ActivationLayer(backend, ActivationKind.RELU),
                        new Dropout(backend, 0.2),
                        new Linear(backend, DType.FLOAT32, 256, 10)),
                        new SoftmaxCrossEntropy(backend), 42)              // weights drawn from seed 42
                : ModuleRegistry.load().build(ModelSpec.read(Path.of(args[0])),    // or a spec file's
                        backend, DType.FLOAT32, 42, "spec");
        Matrix x = backend.zeros(DType.FLOAT32, 8, model.inputSize());       // 8 examples
        double[] oneHot = new double[8 * model.outputSize()];
        for (int i = 0; i < 8; i++) {
            oneHot[i * model.outputSize() + i % model.outputSize()] = 1;     // example i is of class i % 10
        }
        Matrix y = backend.fromArray(DType.FLOAT32, 8, model.outputSize(), oneHot);
        Matrix logits = model.forward(x, Pass.training(7));                  // Pass.eval() to evaluate
        Matrix grad = backend.zeros(DType.FLOAT32, logits.rows(), logits.cols());
        model.loss().forwardBackward(logits, y, grad);                       // dL/dlogits into grad
        model.backward(grad, false);
        model.parameters().forEach((name, p) -> System.out.println(name + " " + p.grad().shape()));
        // README end
    }
}
