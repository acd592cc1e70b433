package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Inputs read from a pipe ({@code --input <(zcat rows.csv.gz)}) give what the same file gives. */
@EnabledOnOs(OS.LINUX)
class PipedInputTest {
    private static final Path MODEL = Path.of("src", "test", "resources", "bad-inputs", "good.safetensors");
    private static final String ROWS = "x,y\n0.5,-0.25\n-0.75,0.1\n";

    @TempDir
    Path dir;

    private NnRun predictThroughAFifo(byte[] content) throws IOException, InterruptedException {
        Path fifo = dir.resolve("rows.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(content);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        NnRun run = NnRun.of("predict", "--model", MODEL.toString(), "--input", fifo.toString());
        writer.join();
        Files.delete(fifo);
        return run;
    }

    @Test
    void aFifoOfCsvRowsPlainOrGzipdPredictsAsTheFileDoes() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("rows.csv"), ROWS);
        NnRun fromFile = NnRun.of("predict", "--model", MODEL.toString(), "--input", file.toString());
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(3, fromFile.out().strip().split("\n").length, fromFile.out());
        NnRun plain = predictThroughAFifo(ROWS.getBytes(StandardCharsets.UTF_8));
        assertEquals(fromFile.out(), plain.out(), plain.err());
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(ROWS.getBytes(StandardCharsets.UTF_8));
        }
        NnRun zipped = predictThroughAFifo(gz.toByteArray());
        assertEquals(fromFile.out(), zipped.out(), zipped.err());
    }
}
