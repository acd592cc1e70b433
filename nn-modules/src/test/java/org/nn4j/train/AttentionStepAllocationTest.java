package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
        long perStep = TrainingStepAllocationTest.bytesPerWarmStep(model);
        assertTrue(perStep == 0, perStep + " bytes allocated per step");
    }
}
