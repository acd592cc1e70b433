package org.nn4j.examples;

import java.nio.file.Path;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A model spec built into a model on a backend, one forward and one backward pass, and its
 * parameters' gradients by {@code state_dict} name. Argument: a model spec file (default: the shipped
 * {@code examples/specs/fashion-regularized.json}).
 */
public final class ModulesExample {

    private ModulesExample() {
    }

    public static void main(String[] args) {
        String specFile = args.length > 0 ? args[0] : "examples/specs/fashion-regularized.json";
        // README: modules
        Backend backend = Backends.select("ejml");
        ModelSpec spec = ModelSpec.read(Path.of(specFile));
        // or in Java: ModelSpec.builder(784).layer("linear", "out_features", 256).layer("relu")
        //         .layer("dropout", "p", 0.2).layer("linear", "out_features", 10).build()
        Model model = ModuleRegistry.load().build(spec, backend, DType.FLOAT32, 42, "spec");
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
