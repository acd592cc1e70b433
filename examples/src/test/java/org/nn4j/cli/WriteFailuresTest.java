package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.TestDisks;

/**
 * A disk that fills in the middle of a run (through {@link TestDisks}, so that no root or small file
 * system is needed): the file that could not be written, why, and what the model file holds, in one
 * line with exit 2; every file as its last good write left it, and no temporary file.
 */
class WriteFailuresTest {
    private static final Path CORPUS = Path.of("src", "test", "resources", "bad-inputs");
    private static final String CSV = CORPUS.resolve("good.csv").toString();

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static NnRun train(String... more) {
        return resume(Stream.concat(Stream.of("--hidden", "8"), Stream.of(more)).toArray(String[]::new));
    }

    /** nn train, --quiet, on the corpus' good.csv, without --hidden (for --resume). */
    private static NnRun resume(String... more) {
        String[] args = Stream.concat(Stream.of("train", "--csv", CSV, "--label", "label", "--quiet"),
                Stream.of(more)).toArray(String[]::new);
        return NnRun.of(args);
    }

    /** What {@code run} gives on {@code disk}, which is given back after it. */
    private static NnRun on(AutoCloseable disk, java.util.function.Supplier<NnRun> run) throws Exception {
        try {
            return run.get();
        } finally {
            disk.close();
        }
    }

    private static void assertOneLine(int code, String message, NnRun run) {
        assertEquals(code, run.code(), run.err());
        assertEquals(message, run.err().strip());
    }

    @Test
    void aDiskThatFillsAfterTheFirstCheckpointKeepsItAndSaysSo() throws Exception {
        Path model = dir.resolve("m.safetensors");
        NnRun run = on(TestDisks.fullAfter("m.safetensors", 1), () -> train("--epochs", "3", "--out",
                model.toString()));
        assertOneLine(2, "nn train: " + model + ": cannot be written: no space left on the device; " + model
                + " holds the checkpoint after epoch 1; continue with --resume " + model, run);
        assertEquals(List.of("m.safetensors", "m.safetensors.optimizer"), names(), "no temporary file stays");
        NnRun resumed = resume("--resume", model.toString(), "--epochs", "1");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals("nothing to do: " + model + " has 1 of 1 epochs done", resumed.out().strip());
    }

    @Test
    void aFailedFirstSaveSaysWhatTheFileHolds() throws Exception {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, train("--epochs", "1", "--out", model.toString()).code());
        byte[] before = Files.readAllBytes(model);
        NnRun resumed = on(TestDisks.fullAfter("m.safetensors", 0), () -> resume("--resume", model.toString(),
                "--epochs", "2"));
        NnRun overwritten = on(TestDisks.fullAfter("m.safetensors", 0), () -> train("--epochs", "2", "--out",
                model.toString()));
        assertOneLine(2, "nn train: " + model + ": cannot be written: no space left on the device; " + model
                + " holds the checkpoint after epoch 1, as before the run; continue with --resume " + model, resumed);
        assertOneLine(2, "nn train: " + model + ": cannot be written: no space left on the device; " + model
                + " is as it was before the run", overwritten);
        assertArrayEquals(before, Files.readAllBytes(model));
        Path fresh = dir.resolve("new.safetensors");
        NnRun first = on(TestDisks.fullAfter("new.safetensors", 0), () -> train("--epochs", "2", "--out",
                fresh.toString()));
        assertOneLine(2, "nn train: " + fresh + ": cannot be written: no space left on the device; nothing was saved"
                + " yet", first);
        assertEquals(List.of("m.safetensors", "m.safetensors.optimizer"), names());
    }

    @Test
    void aDiskThatFillsDuringTheMetricsOrThePlotIsOneLineToo() throws Exception {
        Path model = dir.resolve("m.safetensors");
        Path metrics = dir.resolve("metrics.json");
        NnRun run = on(TestDisks.fullAfter("metrics.json", 1), () -> train("--epochs", "3", "--out",
                model.toString(), "--metrics-json", metrics.toString()));
        assertOneLine(2, "nn train: " + metrics + ": cannot be written: no space left on the device; " + model
                + " holds the checkpoint after epoch 2; continue with --resume " + model, run);
        assertTrue(Files.readString(metrics).contains("\"epochs\" : 1,"), "the metrics of epoch 1 stay");
        Path plot = dir.resolve("plot.png");
        run = on(TestDisks.fullAfter("plot.png", 0), () -> train("--epochs", "2", "--plot", plot.toString()));
        assertOneLine(2, "nn train: " + plot + ": cannot be written: no space left on the device; nothing was saved"
                + " (no --out)", run);
        assertEquals(List.of("m.safetensors", "m.safetensors.optimizer", "metrics.json"), names());
    }

    @Test
    void predictOnAFullDiskKeepsTheOldOutput() throws Exception {
        Path output = Files.writeString(dir.resolve("p.csv"), "the old predictions\n");
        NnRun run = on(TestDisks.fullAfter("p.csv", 0), () -> NnRun.of("predict", "--model",
                CORPUS.resolve("good.safetensors").toString(), "--input", CORPUS.resolve("good-features.csv")
                        .toString(), "--output", output.toString()));
        assertOneLine(2, "nn predict: " + output + ": cannot be written: no space left on the device", run);
        assertEquals("the old predictions\n", Files.readString(output));
        assertEquals(List.of("p.csv"), names());
    }
}
