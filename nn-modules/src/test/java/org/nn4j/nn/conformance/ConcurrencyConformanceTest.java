package org.nn4j.nn.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.conformance.BackendConformanceTest;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Predictor;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Adam;
import org.nn4j.train.Trainer;

/**
 * Threads on one backend: each with a model of its own, training at the same time, gets the weights
 * it gets alone; a {@link Predictor} answers many threads as it answers one; a model used by two
 * threads fails at once. Stress runs with products large enough to be split across the backend's
 * worker threads and image layers (whose index tables the backend caches).
 */
public abstract class ConcurrencyConformanceTest extends BackendConformanceTest {
    /** Its first linear layer's products (32 x 800 x 64) are large enough to be split across threads. */
    private static final String SPEC = "{\"input\": [1, 10, 10], \"layers\": [{\"type\": \"conv2d\", \"out_channels\":"
            + " 8, \"kernel_size\": 3, \"padding\": 1}, {\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"kernel_size\":"
            + " 2, \"stride\": 1}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 64}, {\"type\":"
            + " \"tanh\"}, {\"type\": \"linear\", \"out_features\": 3}]}";
    private static final int THREADS = 3;

    private Model model(long seed) {
        return ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), backend, DType.FLOAT64, seed, "spec");
    }

    private static Dataset data(long seed) {
        Random random = new Random(seed);
        int n = 192;
        float[] x = new float[n * 100];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double left = 0;
            double right = 0;
            for (int j = 0; j < 100; j++) {
                x[i * 100 + j] = (float) random.nextGaussian();
                left += j % 10 < 5 ? x[i * 100 + j] : 0;
                right += j % 10 < 5 ? 0 : x[i * 100 + j];
            }
            y[i] = left > right + 2 ? 0 : right > left + 2 ? 1 : 2;
        }
        return new Dataset(x, y, 100, List.of("left", "right", "even"), "threads");
    }

    /** The weights of model {@code t} after training it on its data set, on the calling thread. */
    private List<double[]> train(int t) {
        Model model = model(t + 1);
        Trainer.builder(model).epochs(2).batchSize(32).seed(t)
                .optimizer(new Adam(backend, model.parameterValues(), 0.01, 0)).build().fit(data(t), null);
        List<double[]> weights = new ArrayList<>();
        model.parameterValues().forEach(p -> weights.add(backend.toArray(p)));
        return weights;
    }

    @Test
    void threadsWithModelsOfTheirOwnShareTheBackendAndGetTheirOneThreadWeights() throws Exception {
        List<List<double[]>> alone = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            alone.add(train(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<List<double[]>>> together = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    together.add(pool.submit(() -> train(thread)));
                }
                for (int t = 0; t < THREADS; t++) {
                    List<double[]> weights = together.get(t).get(120, TimeUnit.SECONDS);
                    for (int i = 0; i < weights.size(); i++) {
                        assertArrayEquals(alone.get(t).get(i), weights.get(i), 0, "model " + t + ", parameter " + i);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPredictorAnswersManyThreadsAsItAnswersOne() throws Exception {
        Model model = model(9);
        Trainer.builder(model).epochs(1).batchSize(32).build().fit(data(9), null);
        Predictor predictor = new Predictor(model, ModuleRegistry.builtIn());
        Random random = new Random(4);
        float[][] batches = new float[6][16 * 100];
        float[][] expected = new float[batches.length][];
        for (int b = 0; b < batches.length; b++) {
            for (int i = 0; i < batches[b].length; i++) {
                batches[b][i] = (float) random.nextGaussian();
            }
            expected[b] = predictor.outputs(batches[b], 16);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                calls.add(pool.submit(() -> {
                    for (int k = 0; k < 30; k++) {
                        int b = (thread + k) % batches.length;
                        assertArrayEquals(expected[b], predictor.outputs(batches[b], 16), "batch " + b);
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBackwardPassOnAnotherThreadThanItsForwardPassFailsAtOnce() throws Exception {
        Model model = model(3);
        model.forward(backend.zeros(DType.FLOAT64, 4, 100), Pass.training(1));
        Matrix grad = backend.zeros(DType.FLOAT64, 4, 3);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                model.backward(grad, false);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "other");
        other.start();
        other.join(60_000);
        assertInstanceOf(IllegalStateException.class, failure.get());
        assertEquals("a backward pass on thread 'other' after the forward pass of thread '"
                + Thread.currentThread().getName() + "': a model computes on one thread at a time (give each thread its"
                + " own model, or use a Predictor for inference from many threads)", failure.get().getMessage());
    }
}
