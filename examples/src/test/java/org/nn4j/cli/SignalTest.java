package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A signal during a save (in a JVM of its own, the save stalled by {@link StalledSave}): the save's
 * temporary file is removed, the run says in one line that it was stopped and what the model file
 * holds, and the exit code is the JVM's for the signal, 128 + its number.
 */
class SignalTest {
    private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "HUP", "INT"})
    void aSignalDuringASaveRemovesItsTemporaryFileAndSaysWhatTheModelFileHolds(String signal) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "signals are tested on Linux");
        Path model = dir.resolve("m.safetensors");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                StalledSave.class.getName(), "m.safetensors", "1", "train", "--csv",
                Path.of("src", "test", "resources", "bad-inputs", "good.csv").toString(), "--label", "label",
                "--hidden", "8", "--epochs", "5", "--quiet", "--out", model.toString()))
                .redirectError(logs.resolve("err.txt").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("stalled"));
            assertEquals("stalled", line, "the second save did not begin; stderr: " + err());
            // The first save's model and state files, the second's state (written first, renamed after the
            // model), and the model's temporary file, stalled.
            assertEquals(List.of("m.safetensors", "m.safetensors.optimizer", "m.safetensors.optimizer.next"),
                    names().stream().filter(n -> !n.endsWith(".partial")).toList());
            assertEquals(1, names().stream().filter(n -> n.endsWith(".partial")).count(), names().toString());
            if (signal.equals("TERM")) {
                process.destroy();
            } else {
                int sent = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start().waitFor();
                assumeTrue(sent == 0, "kill -s " + signal + " failed");
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                // A JVM leaves alone a signal that its parent had ignored (nohup, a shell's background job).
                assumeTrue(false, "SIG" + signal + " is ignored in this process; the JVM could not handle it");
            }
        }
        assertEquals(128 + NUMBERS.get(signal), process.exitValue(), err());
        assertEquals("nn train: stopped by a signal during epoch 2; " + model + " holds the checkpoint after epoch 1;"
                + " continue with --resume " + model, err().strip());
        // The pending state file stays (a later save or load settles it); the temporary file goes.
        assertEquals(List.of("m.safetensors", "m.safetensors.optimizer", "m.safetensors.optimizer.next"), names());
        NnRun resumed = NnRun.of("train", "--csv", Path.of("src", "test", "resources", "bad-inputs", "good.csv")
                .toString(), "--label", "label", "--resume", model.toString(), "--epochs", "1", "--quiet");
        assertEquals("nothing to do: " + model + " has 1 of 1 epochs done", resumed.out().strip(), resumed.err());
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String err() throws IOException {
        return Files.readString(logs.resolve("err.txt"));
    }
}
