package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A layer jar whose META-INF/services entry names a class that cannot be made: every command that
 * loads layer types ends in one line naming the jar and the class, exit 2, rather than in a JVM stack
 * trace (nn layers) or Guice's ProvisionException as an internal error (nn train).
 */
class LayerJarTest {
    private static final Path CORPUS = Path.of("src", "test", "resources", "bad-inputs");

    @TempDir
    Path dir;

    /** A jar whose services file names {@code provider} as a layer type. */
    private Path jar(String provider) throws IOException {
        Path jar = dir.resolve("layers.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/org.nn4j.nn.spec.LayerType"));
            out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** {@code nn args} in-process, with {@code jar} on the class path that nn4j finds layer types through. */
    private static NnRun withJar(Path jar, String... args) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
            thread.setContextClassLoader(loader);
            return NnRun.of(args);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"layers", "train", "evaluate", "gradients", "bench"})
    void everyCommandThatLoadsLayerTypesNamesTheJarAndTheClass(String command) throws IOException {
        Path jar = jar("org.example.Missing");
        String[] args = switch (command) {
            case "train" -> new String[] {"train", "--csv", CORPUS.resolve("good.csv").toString(), "--label", "label",
                "--epochs", "1", "--out", dir.resolve("model.safetensors").toString()};
            case "evaluate" -> new String[] {"evaluate", "--model", CORPUS.resolve("good.safetensors").toString(),
                "--csv", CORPUS.resolve("good.csv").toString(), "--label", "label"};
            case "gradients" -> new String[] {"gradients", "--spec", "../nn-modules/src/test/resources/golden/"
                + "batch-example.json"};
            case "bench" -> new String[] {"bench", "--model", CORPUS.resolve("specs").resolve("no-layers.json")
                .toString(), "--seconds", "1"};
            default -> new String[] {command};
        };
        NnRun run = withJar(jar, args);
        assertEquals(2, run.code(), run.err());
        assertEquals("nn " + command + ": " + jar + ": META-INF/services/org.nn4j.nn.spec.LayerType names"
                + " org.example.Missing, a class that is not in the jar, nor anywhere else on the class path",
                run.err().strip());
        assertFalse(Files.exists(dir.resolve("model.safetensors")), "nothing written");
    }

    @Test
    void aWrongInterfaceOrAThrowingConstructorIsNamedToo() throws IOException {
        Path notALayer = jar(Main.class.getName());
        assertEquals("nn layers: " + notALayer + ": META-INF/services/org.nn4j.nn.spec.LayerType names"
                + " org.nn4j.cli.Main, a class that does not implement org.nn4j.nn.spec.LayerType",
                withJar(notALayer, "layers").err().strip());
        Path throwing = jar(ThrowingLayerType.class.getName());
        NnRun train = withJar(throwing, "train", "--csv", CORPUS.resolve("good.csv").toString(), "--label", "label");
        assertEquals(2, train.code());
        assertEquals("nn train: " + throwing + ": META-INF/services/org.nn4j.nn.spec.LayerType names "
                + ThrowingLayerType.class.getName() + ", whose constructor threw java.lang.IllegalStateException:"
                + " libfancy.so is not on this machine", train.err().strip());
    }

    /** As ./nn runs it: the jar on the JVM's own class path (NN4J_CLASSPATH), stderr the JVM's. */
    @Test
    void onTheClassPathOfItsOwnJvmStderrIsOneLine() throws IOException, InterruptedException {
        Path jar = jar("org.example.Missing");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path")
                + File.pathSeparator + jar, Main.class.getName(), "layers"))
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "nn layers did not end");
        assertEquals(2, process.exitValue(), Files.readString(err));
        assertEquals(List.of("nn layers: " + jar + ": META-INF/services/org.nn4j.nn.spec.LayerType names"
                + " org.example.Missing, a class that is not in the jar, nor anywhere else on the class path"),
                Files.readAllLines(err));
        assertEquals("", Files.readString(dir.resolve("out.txt")));
    }
}
