package org.nn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.io.OptimizerStateFile;
import org.nn4j.io.Safetensors;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;

/**
 * Runs whose every tensor is fixed: three models (an MLP, a regularised stack with batch norm and
 * dropout, a small CNN) trained two epochs from one seed on each CPU backend in both dtypes, and
 * their weights, buffers and optimizer state compared bit for bit with the files the same runs wrote
 * before (src/test/resources/reference-runs). A change to how nn4j is built inside (layers, kernels,
 * code generation) must leave them as they are.
 *
 * <p>{@code -Dnn4j.writeReferenceRuns=true} writes the files anew, for a change meant to alter the
 * results.
 */
class ReferenceRunsTest {
    private static final Path REFERENCES = Path.of("src", "test", "resources", "reference-runs");
    private static final List<String> CLASSES = List.of("a", "b", "c");

    private static final String MLP = "{\"input\": [64], \"layers\": [{\"type\": \"linear\", \"out_features\": 16},"
            + " {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"relu\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}]}";
    private static final String REGULARISED = "{\"input\": [64], \"layers\": [{\"type\": \"linear\","
            + " \"out_features\": 16, \"bias\": false}, {\"type\": \"batchnorm1d\"}, {\"type\": \"leaky_relu\"},"
            + " {\"type\": \"dropout\", \"p\": 0.3}, {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"tanh\"},"
            + " {\"type\": \"dropout\", \"p\": 0.2}, {\"type\": \"linear\", \"out_features\": 3},"
            + " {\"type\": \"sigmoid\"}, {\"type\": \"linear\", \"out_features\": 3}]}";
    private static final String CNN = "{\"input\": [1, 8, 8], \"layers\": [{\"type\": \"conv2d\", \"out_channels\": 4,"
            + " \"kernel_size\": 3, \"padding\": 1}, {\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"kernel_size\": 2},"
            + " {\"type\": \"conv2d\", \"out_channels\": 6, \"kernel_size\": 3}, {\"type\": \"batchnorm2d\"},"
            + " {\"type\": \"relu\"}, {\"type\": \"avgpool2d\", \"kernel_size\": 2}, {\"type\": \"flatten\"},"
            + " {\"type\": \"dropout\", \"p\": 0.25}, {\"type\": \"linear\", \"out_features\": 3}]}";

    @TempDir
    Path dir;

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String backend : List.of("ejml", "nd4j-cpu")) {
            for (DType dtype : DType.values()) {
                runs.add(Arguments.of("mlp", MLP, "adam", "constant", backend, dtype));
                runs.add(Arguments.of("regularised", REGULARISED, "sgd", "step:1:0.5", backend, dtype));
                runs.add(Arguments.of("cnn", CNN, "adam", "cosine-steps", backend, dtype));
            }
        }
        return runs.stream();
    }

    /** 96 examples of 64 values: the class is where the first three values' largest lies. */
    private static Dataset data(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[64 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 64; j++) {
                x[64 * i + j] = (float) random.nextGaussian();
            }
            int best = 0;
            for (int j = 1; j < 3; j++) {
                best = x[64 * i + j] > x[64 * i + best] ? j : best;
            }
            y[i] = best;
        }
        return new Dataset(x, y, 64, CLASSES, "reference data");
    }

    @ParameterizedTest(name = "{0} {2} {4} {5}")
    @MethodSource("runs")
    void aRunGivesTheTensorsItGaveBefore(String name, String spec, String optimizer, String schedule, String backendName,
            DType dtype) throws IOException {
        Backend backend = Backends.select(backendName);
        Model model = ModuleRegistry.builtIn().build(ModelSpec.parse(spec, name), backend, dtype, 7, name);
        Map<String, Object> options = optimizer.equals("sgd") ? Map.of("momentum", 0.9, "nesterov", true,
                "weight_decay", 1e-4) : Map.of("weight_decay", 1e-4);
        Path file = dir.resolve(name + ".safetensors");
        Trainer trainer = Trainer.builder(model).optimizer(optimizer, options)
                .learningRate(optimizer.equals("sgd") ? 0.05 : 0.002)
                .config(new TrainingConfig(2, 16, 11, 0, LearningRateSchedule.parse(schedule)))
                .listener(new CheckpointListener(file, 1, CLASSES, null)).build();
        trainer.fit(data(96, 3), data(24, 4));

        String reference = name + "-" + backendName + "-" + dtype.label();
        Path expected = REFERENCES.resolve(reference + ".safetensors");
        Path state = REFERENCES.resolve(reference + ".safetensors.optimizer");
        if (Boolean.getBoolean("nn4j.writeReferenceRuns")) {
            Files.createDirectories(REFERENCES);
            Files.copy(file, expected, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(OptimizerStateFile.of(file), state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertSameTensors(expected, file);
        assertSameTensors(state, OptimizerStateFile.of(file));
    }

    /** Every tensor of {@code actual} is {@code expected}'s of that name, bit for bit, and no other is there. */
    private static void assertSameTensors(Path expected, Path actual) {
        assertTrue(Files.exists(expected), expected + " is missing; write it with -Dnn4j.writeReferenceRuns=true");
        Map<String, Safetensors.Tensor> want = Safetensors.read(expected).tensors();
        Map<String, Safetensors.Tensor> got = Safetensors.read(actual).tensors();
        assertEquals(want.keySet(), got.keySet(), actual.toString());
        want.forEach((tensor, w) -> {
            Safetensors.Tensor g = got.get(tensor);
            assertEquals(w.dtype(), g.dtype(), tensor);
            assertTrue(Arrays.equals(w.shape(), g.shape()), tensor + " shape");
            double[] a = w.values();
            double[] b = g.values();
            for (int i = 0; i < a.length; i++) {
                if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                    throw new AssertionError(expected.getFileName() + ": " + tensor + "[" + i + "] is " + b[i]
                            + ", was " + a[i]);
                }
            }
        });
    }
}
