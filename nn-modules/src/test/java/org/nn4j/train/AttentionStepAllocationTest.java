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

/** A training step of a stack of the attention layer types, masked and with dropout, allocates nothing once warm. */
class AttentionStepAllocationTest {

    @Test
    void aStepOfTheAttentionLayersAllocatesNothingInSteadyState() {
        Backend backend = Backends.select("ejml");
        ModelSpec spec = ModelSpec.builder(3, 4).layer("layernorm").layer("multihead_attention", "num_heads", 2,
                "dropout", 0.2).layer("gelu").layer("transformer_encoder_layer", "nhead", 2, "dim_feedforward", 8,
                "dropout", 0.1).layer("transformer_encoder_layer", "nhead", 1, "dim_feedforward", 6, "activation",
                "gelu", "norm_first", true).layer("flatten").layer("linear", "out_features", 3).build();
        Model model = ModuleRegistry.builtIn().build(spec, backend, DType.FLOAT32, 1, "spec");
        org.nn4j.nn.SequenceMask mask = new org.nn4j.nn.SequenceMask(3);
        model.network().propagateMask(mask);
        int[] lengths = new int[32];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + i % 3;
        }
        mask.set(lengths, lengths.length);
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
