package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A training step of recurrent layers (an lstm of two bidirectional layers with dropout between them, a gru,
 * an rnn) allocates nothing once it has seen its batch size, in both dtypes.
 */
class RecurrentStepAllocationTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void aStepOfRecurrentLayersAllocatesNothingInSteadyState(DType dtype) {
        Backend backend = Backends.select("ejml");
        ModelSpec spec = ModelSpec.builder(2, 6).layer("lstm", "hidden_size", 5, "num_layers", 2, "bidirectional", true,
                "dropout", 0.3).layer("gru", "hidden_size", 4).layer("rnn", "hidden_size", 3, "nonlinearity", "relu")
                .layer("flatten").layer("linear", "out_features", 3).build();
        Model model = ModuleRegistry.builtIn().build(spec, backend, dtype, 1, "spec");
        TrainingStep step = new TrainingStep(model, model.loss(), new Adam(backend, model.parameterValues(), 1e-3, 0), 1);
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
        // The JIT removes some allocations only after a while; the best of a few rounds is the steady state.
        for (int round = 0; round < 20 && perStep > 0; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200; i++) {
                step.run(x, y, batch, round, order, 0);
            }
            perStep = Math.min(perStep, (threads.getThreadAllocatedBytes(thread) - before) / 200);
        }
        assertTrue(perStep == 0, perStep + " bytes allocated per step");
    }
}
