package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
        long perStep = TrainingStepAllocationTest.bytesPerWarmStep(model);
        assertTrue(perStep == 0, perStep + " bytes allocated per step");
    }
}
