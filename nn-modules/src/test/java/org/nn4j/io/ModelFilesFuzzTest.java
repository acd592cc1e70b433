package org.nn4j.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.fuzz.Fuzzing;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Fuzz targets of the safetensors reader and of model files. {@code safetensors} reads the bytes as
 * they are (almost every change fails the checksum); {@code model} signs what it could read anew, so
 * that the checks behind the checksum (metadata, spec, shapes, values) are what the fuzzer reaches.
 */
class ModelFilesFuzzTest {
    private static Path dir;
    private static Backend backend;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("nn4j-fuzz");
        backend = Backends.select("ejml");
        // Classes are loaded and initialised on first use; that is not the inputs' doing.
        Path seed = Path.of("src", "test", "resources", "org", "nn4j", "io", "ModelFilesFuzzTestInputs", "model",
                "cnn.safetensors");
        ModelFile.load(seed, ModuleRegistry.builtIn(), backend, null);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] data) throws Exception {
        Fuzzing.check(data.length, () -> Safetensors.read(data, "fuzz.safetensors"));
    }

    @FuzzTest(maxDuration = "10s")
    void model(byte[] data) throws Exception {
        Path file = dir.resolve("model.safetensors");
        Fuzzing.check(data.length, () -> {
            Safetensors.Contents contents = Safetensors.read(data, "fuzz.safetensors", false);
            Safetensors.write(file, contents.tensors(), contents.metadata());
            ModelFile.load(file, ModuleRegistry.builtIn(), backend, null);
        });
    }
}
