package org.nn4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.broken.BrokenLayerTypes;

/**
 * A layer jar whose META-INF/services entry names a class that ServiceLoader cannot make ends in one
 * line naming the jar, the class and why, rather than in ServiceLoader's error and its stack trace.
 */
class BrokenLayerJarTest {
    private static final String SERVICES = "META-INF/services/" + LayerType.class.getName();

    @TempDir
    Path dir;

    /** A jar of {@code entries} (name to bytes). */
    private Path jar(String name, Map<String, byte[]> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private Path servicesJar(String... classes) throws IOException {
        return jar("layers.jar", Map.of(SERVICES, ("# the jar's layer types\n" + String.join("\n", classes) + "\n")
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static ModuleRegistry load(Path jar, ClassLoader parent) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent)) {
            return ModuleRegistry.load(loader);
        }
    }

    private static String failure(Path jar) {
        return assertThrows(InvalidInputException.class, () -> load(jar, BrokenLayerJarTest.class.getClassLoader()))
                .getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "org.example.Missing|a class that is not in the jar, nor anywhere else on the class path",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$NotALayerType|a class that does not implement"
                + " org.nn4j.nn.spec.LayerType",
        "org.nn4j.nn.spec.LayerType|an interface, not a class",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$Abstract|an abstract class",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$NotPublic|a class that is not public",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$NoDefaultConstructor|a class without a public constructor that"
                + " takes no arguments",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$ThrowingConstructor|whose constructor threw"
                + " java.lang.IllegalStateException: no GPU here",
        "org.nn4j.nn.spec.broken.BrokenLayerTypes$ThrowingStaticInitialiser|whose static initialiser threw"
                + " java.lang.IllegalStateException: no native library",
    })
    void anEntryThatCannotBeMadeIsOneLineNamingTheJarAndTheClass(String provider, String why) throws IOException {
        // The jar's good entries first: the broken one is told however far down the file it is.
        Path jar = servicesJar("org.nn4j.nn.layers.ActivationLayer$ReLUType", provider);
        assertEquals(jar + ": " + SERVICES + " names " + provider + ", " + why, failure(jar));
    }

    @Test
    void aStaticInitialiserThatFailedBeforeIsToldAgain() throws IOException {
        Path jar = servicesJar(BrokenLayerTypes.ThrowingStaticInitialiser.class.getName());
        failure(jar);
        String again = failure(jar);
        assertTrue(again.endsWith(", whose static initialiser failed (Could not initialize class "
                + BrokenLayerTypes.ThrowingStaticInitialiser.class.getName() + ")"), again);
    }

    @Test
    void aFolderOnTheClassPathIsNamedAsTheJarWouldBe() throws IOException {
        Path folder = dir.resolve("classes");
        Files.createDirectories(folder.resolve("META-INF/services"));
        Files.writeString(folder.resolve(SERVICES), "org.example.Missing\n");
        String message = assertThrows(InvalidInputException.class,
                () -> load(folder, BrokenLayerJarTest.class.getClassLoader())).getMessage();
        assertEquals(folder + ": " + SERVICES + " names org.example.Missing, a class that is not in the jar, nor"
                + " anywhere else on the class path", message);
    }

    @Test
    void aClassWhoseSuperclassIsMissingNamesWhatItLacks() throws IOException {
        // The jar holds the provider's class but not its superclass, which the parent loader hides.
        String provider = "org.nn4j.nn.spec.broken.Subclass";
        byte[] bytes;
        try (InputStream in = BrokenLayerJarTest.class.getResourceAsStream("/" + provider.replace('.', '/')
                + ".class")) {
            bytes = in.readAllBytes();
        }
        Path jar = jar("subclass.jar", Map.of(SERVICES, (provider + "\n").getBytes(StandardCharsets.UTF_8),
                provider.replace('.', '/') + ".class", bytes));
        ClassLoader hiding = new ClassLoader(BrokenLayerJarTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.nn4j.nn.spec.broken.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        String message = assertThrows(InvalidInputException.class, () -> load(jar, hiding)).getMessage();
        assertEquals(jar + ": " + SERVICES + " names " + provider + ", a class that cannot be loaded"
                + " (java.lang.NoClassDefFoundError: org/nn4j/nn/spec/broken/BrokenLayerTypes$Base)", message);
    }

    @Test
    void aTypeNamedAsNn4jsOwnOrWithoutANameIsNamedWithItsJar() throws IOException {
        String linear = assertThrows(InvalidInputException.class, () -> load(servicesJar(
                BrokenLayerTypes.Linear.class.getName()), BrokenLayerJarTest.class.getClassLoader())).getMessage();
        assertTrue(linear.startsWith("two layer types are named 'linear': org.nn4j.nn.layers.Linear$Type ("), linear);
        assertTrue(linear.endsWith(") and " + BrokenLayerTypes.Linear.class.getName() + " ("
                + ModuleRegistry.origin(new BrokenLayerTypes.Linear()) + "); take one of them off the class path"),
                linear);
        String nameless = assertThrows(InvalidInputException.class, () -> load(servicesJar(
                BrokenLayerTypes.Nameless.class.getName()), BrokenLayerJarTest.class.getClassLoader())).getMessage();
        assertEquals(ModuleRegistry.origin(new BrokenLayerTypes.Nameless()) + ": "
                + BrokenLayerTypes.Nameless.class.getName() + " has no name (null)", nameless);
    }
}
