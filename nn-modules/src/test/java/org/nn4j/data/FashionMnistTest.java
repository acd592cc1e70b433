package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.seed.NeuralNetwork;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.train.Adam;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;

class FashionMnistTest {

    @Test
    void theShippedSubsetHasTenThousandTrainingAndTwoThousandTestImages() {
        Split split = FashionMnist.shippedSubset();
        assertEquals(10_000, split.train().size());
        assertEquals(2_000, split.test().size());
        assertEquals(784, split.train().featureCount());
        assertEquals(10, split.train().classCount());
        float max = 0;
        for (float v : split.train().features()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
        assertTrue(split.description().startsWith("the Fashion-MNIST subset shipped with nn4j"));
    }

    @Test
    void oneEpochOnTheShippedSubsetLearnsMostOfIt() {
        Split split = FashionMnist.shippedSubset();
        Backend backend = Backends.select("ejml");
        NeuralNetwork net = NeuralNetwork.builder(backend).dtype(DType.FLOAT32).inputSize(784).hiddenSizes(64)
                .outputSize(10).activation(ActivationKind.RELU).seed(1).build();
        TrainingHistory history = new Trainer(net.model(), new SoftmaxCrossEntropy(backend),
                new Adam(backend, net.parameters(), 1e-3, 0), new TrainingConfig(1, 64, 1, 0,
                        LearningRateSchedule.constant())).fit(split.train(), split.test());
        // Ten classes: chance is 0.1; one epoch of a small MLP gets well past 0.7.
        assertTrue(history.last().validation().accuracy() > 0.7, "accuracy " + history.last().validation().accuracy());
    }
}
