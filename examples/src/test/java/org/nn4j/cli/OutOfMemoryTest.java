package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running out of memory, in a JVM of its own with a small heap, is one line and exit 2. */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aCsvFileLargerThanTheHeapIsOneLineNamingItAndTheFix() throws IOException, InterruptedException {
        Path csv = dir.resolve("big.csv");
        Random random = new Random(1);
        // 200,000 examples of 48 features: 38 MB as floats, more than a 48 MB heap holds beside the JVM's own
        // (the file is read line by line into floats, so it is its examples, not its 19 MB of text, that count).
        try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int c = 0; c < 48; c++) {
                out.write("f" + c + ",");
            }
            out.write("label\n");
            for (int r = 0; r < 200_000; r++) {
                for (int c = 0; c < 48; c++) {
                    out.write(Integer.toString(random.nextInt(10)));
                    out.write(',');
                }
                out.write(Integer.toString(r % 3));
                out.write('\n');
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx48m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--csv", csv.toString(),
                "--label", "label", "--epochs", "1", "--quiet"))
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "nn train did not end");
        List<String> err = Files.readAllLines(dir.resolve("err.txt"));
        assertEquals(2, process.exitValue(), String.join("\n", err));
        assertEquals(1, err.size(), String.join("\n", err));
        assertTrue(err.get(0).startsWith("nn train: out of memory while reading " + csv + " (this JVM may use "),
                err.get(0));
        assertTrue(err.get(0).endsWith(" MiB); use less data, a smaller --batch-size or smaller layers, or give Java"
                + " more memory, for example JAVA_OPTS=-Xmx2g"), err.get(0));
    }
}
