package org.nn4j.nn.spec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.fuzz.Fuzzing;
import org.nn4j.io.GradientCase;
import org.nn4j.io.InputFiles;
import org.nn4j.io.ModuleCase;

/**
 * Fuzz target of the JSON readers: model specs (parsed and built, within a budget of values as a model
 * file's tensors would set it) and gradient cases of both formats.
 */
class SpecsFuzzTest {
    private static Backend backend;

    @BeforeAll
    static void setUp() {
        backend = Backends.select("ejml");
        // Classes are loaded and initialised on first use; that is not the inputs' doing.
        ModuleRegistry.builtIn().build(ModelSpec.parse(WARM_UP, "warm-up"), backend, DType.FLOAT32, "warm-up", 1000,
                "the budget");
    }

    /** A spec with a layer of every built-in type. */
    static final String WARM_UP = "{\"input\": [1, 4, 4], \"layers\": [{\"type\": \"conv2d\", \"out_channels\": 2,"
            + " \"kernel_size\": 2, \"padding\": 1}, {\"type\": \"batchnorm2d\"}, {\"type\": \"relu\"},"
            + " {\"type\": \"maxpool2d\", \"kernel_size\": 2}, {\"type\": \"avgpool2d\", \"kernel_size\": 1},"
            + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 4}, {\"type\": \"batchnorm1d\"},"
            + " {\"type\": \"leaky_relu\"}, {\"type\": \"tanh\"}, {\"type\": \"sigmoid\"}, {\"type\": \"dropout\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"mse\"}";

    @FuzzTest(maxDuration = "10s")
    void json(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.UTF_8);
        Fuzzing.check(data.length, () -> ModuleRegistry.builtIn().build(ModelSpec.parse(text, "fuzz.json"), backend,
                DType.FLOAT32, "fuzz.json", 100_000, "the budget"));
        Fuzzing.check(data.length, () -> {
            com.fasterxml.jackson.databind.JsonNode root = InputFiles.json(text, "fuzz.json");
            if (ModuleCase.isModuleFormat(root)) {
                ModuleCase.fromJson(root, "fuzz.json");
            } else {
                GradientCase.parse(text, "fuzz.json");
            }
        });
    }
}
