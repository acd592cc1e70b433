package org.nn4j.examples;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.nn.Model;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.train.ProgressListener;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingHistory;

/** README's quick start, whole: a small network trained on Fashion-MNIST, and its test accuracy. */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) {
        Backend backend = Backends.select(null);     // the best backend on the class path, or -Dnn4j.backend
        Split data = FashionMnist.load(null);        // the subset inside nn4j, or the full set where installed
        DType dtype = DType.FLOAT32;
        Model model = Model.of(backend, dtype, Shape.of(784), new Sequential(
                new Linear(backend, dtype, 784, 128), new ActivationLayer(backend, ActivationKind.RELU),
                new Linear(backend, dtype, 128, 10)), new SoftmaxCrossEntropy(backend), 42);
        TrainingHistory history = Trainer.builder(model).epochs(2).listener(new ProgressListener(System.out))
                .build().fit(data.train(), null, data.test());  // no validation; test scored for the record
        System.out.printf("test accuracy %.3f on %s%n", history.finalTest().accuracy(), backend.name());
    }
}
