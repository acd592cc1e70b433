package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nn train --model}: a spec of its own trained, checkpointed, resumed; bad specs fail in one line. */
class ModelSpecTrainingTest {
    private static final Path REGULARIZED = Path.of("specs", "fashion-regularized.json");

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void copyTheShippedSubset() throws IOException {
        ShippedSubset.copyTo(data);
    }

    private static double finalAccuracy(Path metrics) throws IOException {
        var accuracy = new ObjectMapper().readTree(metrics.toFile()).get("test_accuracy");
        return accuracy.get(accuracy.size() - 1).asDouble();
    }

    /** The regularised stack (docs/getting-started.md) learns the shipped subset as well as the default MLP. */
    @Test
    void theRegularizedSpecLearnsAtLeastAsWellAsThePlainMlp() throws IOException {
        Path mlp = dir.resolve("mlp.json");
        Path spec = dir.resolve("spec.json");
        NnRun plain = NnRun.of("train", "--data", data.toString(), "--epochs", "3", "--backend", "ejml",
                "--metrics-json", mlp.toString(), "--quiet");
        assertEquals(0, plain.code(), plain.err());
        NnRun regularized = NnRun.of("train", "--data", data.toString(), "--epochs", "3", "--backend", "ejml",
                "--model", REGULARIZED.toString(), "--metrics-json", spec.toString(), "--quiet");
        assertEquals(0, regularized.code(), regularized.err());
        assertTrue(finalAccuracy(spec) >= finalAccuracy(mlp), finalAccuracy(spec) + " < " + finalAccuracy(mlp));
    }

    @Test
    void aResumedSpecRunEqualsAnUninterruptedOne() throws IOException {
        String[] small = {"--data", data.toString(), "--backend", "ejml", "--batch-size", "256", "--quiet"};
        Path specFile = Files.writeString(dir.resolve("small.json"), "{\"input\": [784], \"layers\": ["
                + "{\"type\": \"linear\", \"out_features\": 32, \"bias\": false}, {\"type\": \"batchnorm1d\"},"
                + " {\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 0.3}, {\"type\": \"linear\", \"out_features\": 10}]}");
        Path full = dir.resolve("full.safetensors");
        Path part = dir.resolve("part.safetensors");
        assertEquals(0, run(small, "train", "--model", specFile.toString(), "--epochs", "3", "--out", full.toString())
                .code());
        assertEquals(0, run(small, "train", "--model", specFile.toString(), "--epochs", "2", "--out", part.toString())
                .code());
        NnRun resumed = NnRun.of("train", "--resume", part.toString(), "--epochs", "3", "--data", data.toString(),
                "--backend", "ejml", "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        var a = org.nn4j.io.ModelFile.load(full, org.nn4j.api.Backends.select("ejml")).model().stateDict();
        var b = org.nn4j.io.ModelFile.load(part, org.nn4j.api.Backends.select("ejml")).model().stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertEquals(t, b.get(name), name + " after resuming"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"input\": [784], \"layers\": [{\"type\": \"linear\", \"out_features\": 5}]}|: the model gives 5 outputs but",
        "{\"input\": [100], \"layers\": [{\"type\": \"linear\", \"out_features\": 10}]}|: the model takes input of shape"
                + " [100] (100 values) but",
        "{\"input\": [784], \"layers\": [{\"type\": \"lstn\"}]}|: layers[0]: unknown layer type 'lstn' (did you mean 'lstm'?); known:",
        "{\"input\": [784], \"layers\": [{\"type\": \"lstm\", \"hidden_size\": 8}]}|: layers[0] (lstm): takes a"
                + " sequence of shape [T, F] (steps, features), not [784]",
        "{\"input\": [784], \"layers\": [{\"type\": \"dropout\", \"p\": 2}, {\"type\": \"linear\", \"out_features\":"
                + " 10}]}|: layers[0] (dropout): 'p' must be in [0, 1], not 2"})
    void aBadSpecFailsWithOneLineAndExitCodeTwo(String spec, String message) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), spec);
        NnRun run = NnRun.of("train", "--data", data.toString(), "--model", file.toString(), "--epochs", "1",
                "--backend", "ejml");
        assertEquals(2, run.code(), run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("nn train: " + file), run.err());
        assertTrue(run.err().contains(message), run.err());
    }

    @Test
    void theSpecFlagAndTheMlpFlagsDoNotMix() throws IOException {
        NnRun run = NnRun.of("train", "--data", data.toString(), "--model", REGULARIZED.toString(), "--hidden", "32",
                "--backend", "ejml");
        assertEquals(2, run.code());
        assertEquals("nn train: --hidden does not apply with --model: " + REGULARIZED + " describes the layers and"
                + " the loss", run.err().strip());
    }

    private static NnRun run(String[] common, String... args) {
        String[] all = new String[args.length + common.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        return NnRun.of(all);
    }
}
