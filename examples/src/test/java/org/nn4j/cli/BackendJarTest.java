package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend jar whose META-INF/services entry names a provider that cannot be made: nn backends lists it
 * among the others with its jar, class and why; a command whose choice it could be (no --backend, or a
 * name no other backend has) ends in one line naming the jar and the class, exit 2; a command that names
 * a backend that works runs.
 */
class BackendJarTest {
    private static final Path CORPUS = Path.of("src", "test", "resources", "bad-inputs");
    private static final String SERVICES = "META-INF/services/org.nn4j.api.BackendProvider";

    @TempDir
    Path dir;

    /** A jar whose services file names {@code provider} as a backend. */
    private Path jar(String provider) throws IOException {
        Path jar = dir.resolve("backend.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(SERVICES));
            out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** {@code nn args} in-process, with {@code jar} on the class path that nn4j finds backends through. */
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

    private String[] command(String command, String... more) {
        List<String> args = new ArrayList<>(switch (command) {
            case "train" -> List.of("train", "--csv", CORPUS.resolve("good.csv").toString(), "--label", "label",
                "--epochs", "1", "--quiet", "--out", dir.resolve("model.safetensors").toString());
            case "evaluate" -> List.of("evaluate", "--model", CORPUS.resolve("good.safetensors").toString(),
                "--csv", CORPUS.resolve("good.csv").toString(), "--label", "label");
            case "gradients" -> List.of("gradients", "--spec", "../nn-modules/src/test/resources/golden/"
                + "batch-example.json");
            default -> List.of(command);
        });
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "gradients", "demo"})
    void aCommandWhoseChoiceItCouldBeNamesTheJarAndTheClass(String command) throws IOException {
        Path jar = jar("org.example.TpuBackendProvider");
        String broken = jar + ": " + SERVICES + " names org.example.TpuBackendProvider, a class that is not in the"
                + " jar, nor anywhere else on the class path";
        NnRun run = withJar(jar, command(command));
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("nn " + command + ": " + broken + "; it could be the backend that would be"
                + " chosen: take it off the class path, or name a backend (--backend, system property nn4j.backend or"
                + " environment variable NN4J_BACKEND); backends: "), run.err());
        NnRun unknown = withJar(jar, command(command, "--backend", "tpu"));
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().startsWith("nn " + command + ": unknown backend 'tpu' (from --backend); a provider"
                + " that could not be made may be it: " + broken + "; backends: "), unknown.err());
        assertFalse(Files.exists(dir.resolve("model.safetensors")), "nothing written");

        // A backend named that works: the broken jar does not matter.
        NnRun named = withJar(jar, command(command, "--backend", "ejml"));
        assertEquals(0, named.code(), named.err());
    }

    @Test
    void nnBackendsListsItWithTheOthers() throws IOException {
        Path jar = jar(ThrowingBackendProvider.class.getName());
        String broken = jar + ": " + SERVICES + " names " + ThrowingBackendProvider.class.getName()
                + ", whose constructor threw java.lang.IllegalStateException: libtpu.so is not on this machine";
        NnRun text = withJar(jar, "backends");
        assertEquals(0, text.code(), text.err());
        assertEquals("", text.err());
        List<String> lines = text.out().lines().toList();
        assertEquals(5, lines.size(), text.out());
        assertTrue(lines.get(3).startsWith("  ejml "), text.out());
        assertEquals(String.format("  %-10s %-12s %s", ThrowingBackendProvider.class.getName(), "broken", broken),
                lines.get(4));

        NnRun json = withJar(jar, "backends", "--json");
        assertEquals(0, json.code(), json.err());
        assertEquals("", json.err());
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertEquals(4, list.size(), json.out());
        for (int i = 0; i < 3; i++) {
            assertFalse(list.get(i).get("broken").asBoolean(), json.out());
        }
        JsonNode entry = list.get(3);
        assertEquals(ThrowingBackendProvider.class.getName(), entry.get("name").asText());
        assertEquals(ThrowingBackendProvider.class.getName(), entry.get("class").asText());
        assertTrue(entry.get("broken").asBoolean());
        assertFalse(entry.get("available").asBoolean());
        assertEquals(broken, entry.get("reason").asText());
        assertEquals(List.of(jar.toString()), List.of(entry.get("jars").get(0).asText()));
    }

    /** As ./nn runs it: the jar on the JVM's own class path (NN4J_CLASSPATH), stderr the JVM's. */
    @Test
    void onTheClassPathOfItsOwnJvm() throws IOException, InterruptedException {
        Path jar = jar(ThrowingBackendProvider.class.getName());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + jar;
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process json = new ProcessBuilder(List.of(java.toString(), "-cp", classPath, Main.class.getName(), "backends",
                "--json")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(json.waitFor(120, TimeUnit.SECONDS), "nn backends did not end");
        assertEquals(0, json.exitValue(), Files.readString(err));
        assertEquals("", Files.readString(err));
        assertEquals(4, new ObjectMapper().readTree(out.toFile()).size(), Files.readString(out));

        Process demo = new ProcessBuilder(List.of(java.toString(), "-cp", classPath, Main.class.getName(), "demo"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "nn demo did not end");
        assertEquals(2, demo.exitValue(), Files.readString(err));
        List<String> lines = Files.readAllLines(err);
        assertEquals(1, lines.size(), Files.readString(err));
        assertTrue(lines.get(0).startsWith("nn demo: " + jar + ": " + SERVICES + " names "
                + ThrowingBackendProvider.class.getName() + ", whose constructor threw java.lang.IllegalStateException:"
                + " libtpu.so is not on this machine; it could be the backend that would be chosen: "), lines.get(0));
        assertEquals("", Files.readString(out));
    }
}
