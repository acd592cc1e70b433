package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** A training step of a stack of every layer type allocates nothing once it has seen its batch size. */
class TrainingStepAllocationTest {

    @Test
    void aStepOfEveryLayerTypeAllocatesNothingInSteadyState() {
        Backend backend = Backends.select("ejml");
        ModelSpec spec = ModelSpec.builder(2, 6).layer("flatten").layer("linear", "out_features", 16, "bias", false)
                .layer("batchnorm1d").layer("leaky_relu").layer("dropout", "p", 0.3).layer("linear", "out_features", 8)
                .layer("tanh").layer("linear", "out_features", 8).layer("sigmoid").layer("linear", "out_features", 6)
                .layer("relu").layer("linear", "out_features", 3).build();
        Model model = ModuleRegistry.builtIn().build(spec, backend, DType.FLOAT32, 1, "spec");
        long perStep = bytesPerWarmStep(model);
        assertTrue(perStep == 0, perStep + " bytes allocated per step");
    }

    /**
     * The fewest bytes one training step of {@code model} (on 32 examples of 12 features, 3 classes)
     * allocated over rounds of 200 steps: the JIT removes some allocations only after a while, so the best
     * of a few rounds is the steady state.
     */
    static long bytesPerWarmStep(Model model) {
        TrainingStep step = new TrainingStep(model, model.loss(),
                new Adam(model.backend(), model.parameterValues(), 1e-3, 0), 1);
        int batch = 32;
        float[] x = new float[batch * 12];
        float[] y = new float[batch * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        for (int i = 0; i < batch; i++) {
            y[i * 3 + i % 3] = 1;
        }
        int[] order = new int[batch];
        for (int i = 0; i < batch; i++) {
            order[i] = i;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long perStep = Long.MAX_VALUE;
        for (int round = 0; round < 20 && perStep > 0; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200; i++) {
                step.run(x, y, batch, round, order, 0);
            }
            perStep = Math.min(perStep, (threads.getThreadAllocatedBytes(thread) - before) / 200);
        }
        return perStep;
    }
}
