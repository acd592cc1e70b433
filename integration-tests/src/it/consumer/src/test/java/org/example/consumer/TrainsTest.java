package org.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Adam;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;

/** What an application does first with nn4j: find its backend, build a network from a spec, train it. */
class TrainsTest {
    private final String backendName = System.getProperty("consumer.backend");

    @Test
    void theBackendOnTheClassPathIsFoundAndAvailable() {
        BackendProvider provider = Backends.providers().stream().filter(p -> p.name().equals(backendName))
                .findFirst().orElseThrow(() -> new AssertionError(backendName + " not found by ServiceLoader"));
        assertTrue(provider.availability().available(), provider.availability().reason());
        assertEquals(backendName, Backends.select(null).name(), "the one backend here is the default");
    }

    @Test
    void aSmallNetworkLearnsOnIt() {
        Backend backend = Backends.select(backendName);
        ModelSpec spec = ModelSpec.parse("{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 16},"
                + " {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 2}]}", "the consumer's spec");
        Model model = ModuleRegistry.builtIn().build(spec, backend, DType.FLOAT32, 1, "the consumer's spec");
        // Points inside or outside a circle.
        Random random = new Random(2);
        int n = 512;
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) (2 * random.nextDouble() - 1);
            x[2 * i + 1] = (float) (2 * random.nextDouble() - 1);
            y[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.5 ? 1 : 0;
        }
        Dataset data = new Dataset(x, y, 2, List.of("out", "in"), "circle");
        Trainer trainer = new Trainer(model, model.loss(), new Adam(backend, model.parameterValues(), 0.02, 0),
                new TrainingConfig(30, 32, 3, 0, LearningRateSchedule.constant()));
        TrainingHistory history = trainer.fit(data, data);
        assertEquals(30, history.epochsDone());
        double first = history.epochs().get(0).trainLoss();
        double last = history.last().trainLoss();
        assertTrue(last < first / 2, "the loss fell from " + first + " to " + last);
        assertTrue(history.last().validation().accuracy() > 0.9, "accuracy " + history.last().validation().accuracy());
    }
}
