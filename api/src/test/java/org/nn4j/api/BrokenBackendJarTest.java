package org.nn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nn4j.api.broken.BrokenProviders;

/**
 * A jar whose META-INF/services entry names a backend provider that cannot be made is told in one line
 * naming the jar, the class and why: listed among the others, fatal only to a choice it could be.
 */
class BrokenBackendJarTest {
    private static final String SERVICES = "META-INF/services/" + BackendProvider.class.getName();
    private static final String WORKING = BrokenProviders.Working.class.getName();

    @TempDir
    Path dir;

    /** A jar whose services file names {@code classes} (its classes are the test class path's). */
    private Path jar(String... classes) throws IOException {
        Path jar = dir.resolve("backends.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(SERVICES));
            out.write(("# the jar's backends\n" + String.join("\n", classes) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** {@code action} with {@code jar} on the thread's context class loader, as on the class path. */
    private static <T> T with(Path jar, Supplier<T> action) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                BrokenBackendJarTest.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return action.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "org.example.Missing|a class that is not in the jar, nor anywhere else on the class path",
        "org.nn4j.api.broken.BrokenProviders$NotAProvider|a class that does not implement"
                + " org.nn4j.api.BackendProvider",
        "org.nn4j.api.BackendProvider|an interface, not a class",
        "org.nn4j.api.broken.BrokenProviders$Abstract|an abstract class",
        "org.nn4j.api.broken.BrokenProviders$NotPublic|a class that is not public",
        "org.nn4j.api.broken.BrokenProviders$NoDefaultConstructor|a class without a public constructor that takes"
                + " no arguments",
        "org.nn4j.api.broken.BrokenProviders$ThrowingConstructor|whose constructor threw"
                + " java.lang.IllegalStateException: no licence for this machine",
        "org.nn4j.api.broken.BrokenProviders$ThrowingName|whose name() threw"
                + " java.lang.UnsupportedOperationException: not configured",
        "org.nn4j.api.broken.BrokenProviders$Nameless|whose name() is null",
    })
    void aProviderThatCannotBeMadeIsOneLineAndTheOthersAreFound(String provider, String why) throws IOException {
        // The broken entry between two good ones: it is told, and both of them are found.
        Path jar = jar(WORKING, provider, BrokenProviders.ThrowingAvailability.class.getName());
        Backends.Found found = with(jar, Backends::found);
        assertEquals(List.of("flaky", "working"), found.providers().stream().map(BackendProvider::name).toList());
        assertEquals(1, found.broken().size(), found.broken().toString());
        String message = found.broken().get(0).message();
        assertEquals(jar + ": " + SERVICES + " names " + provider + ", " + why, message);

        // Fatal to a choice it could be: none named (it might be of the highest priority), or a name no
        // other has; a backend named and made is chosen regardless.
        String chooseAny = assertThrows(SettingException.class,
                () -> Backends.choose(null, "--backend", found, name -> null)).getMessage();
        assertTrue(chooseAny.startsWith(message + "; it could be the backend that would be chosen: take it off the"
                + " class path, or name a backend (--backend, system property nn4j.backend or environment variable"
                + " NN4J_BACKEND); backends: "), chooseAny);
        String unknown = assertThrows(SettingException.class,
                () -> Backends.choose("tpu", "--backend", found, name -> null)).getMessage();
        assertTrue(unknown.startsWith("unknown backend 'tpu' (from --backend); a provider that could not be made may"
                + " be it: " + message + "; backends: "), unknown);
        assertEquals("working", Backends.choose("working", "--backend", found, name -> null).name());
        for (String text : List.of(message, chooseAny, unknown)) {
            assertEquals(1, text.lines().count(), text);
        }

        // nn backends: a line each, the broken one with its jar, class and why.
        String status = Backends.status(found);
        assertEquals(4, status.lines().count(), status);
        assertTrue(status.lines().anyMatch(l -> l.equals(String.format("  %-10s %-12s %s", provider, "broken",
                message))), status);
        // The strict list names it.
        assertEquals(message, assertThrows(SettingException.class, () -> with(jar, Backends::providers)).getMessage());
    }

    @Test
    void aStaticInitialiserThatThrewIsToldAndToldAgain() throws IOException {
        String provider = BrokenProviders.ThrowingStaticInitialiser.class.getName();
        Path jar = jar(provider, WORKING);
        String first = with(jar, Backends::found).broken().get(0).message();
        assertEquals(jar + ": " + SERVICES + " names " + provider + ", whose static initialiser threw"
                + " java.lang.IllegalStateException: no native library", first);
        Backends.Found again = with(jar, Backends::found);
        assertEquals(jar + ": " + SERVICES + " names " + provider + ", whose static initialiser failed (Could not"
                + " initialize class " + provider + ")", again.broken().get(0).message());
        assertEquals(List.of("working"), again.providers().stream().map(BackendProvider::name).toList());
    }

    @Test
    void anAvailabilityCheckThatThrowsMakesTheBackendUnavailableWithWhatItThrew() throws IOException {
        Backends.Found found = with(jar(BrokenProviders.ThrowingAvailability.class.getName()), Backends::found);
        BackendProvider flaky = found.providers().get(0);
        assertEquals(Availability.unavailable("its availability check threw java.lang.NoClassDefFoundError:"
                + " org/example/cuda/Driver"), Backends.availability(flaky));
        String message = assertThrows(SettingException.class,
                () -> Backends.choose("flaky", "--backend", found, name -> null)).getMessage();
        assertTrue(message.startsWith("backend 'flaky' (from --backend) is unavailable: its availability check threw"
                + " java.lang.NoClassDefFoundError: org/example/cuda/Driver; "), message);
        assertTrue(Backends.status(found).contains("unavailable  its availability check threw"), Backends.status(found));
    }

    @Test
    void aJarWhoseProvidersAllWorkChangesNothing() throws IOException {
        Backends.Found found = with(jar(WORKING), Backends::found);
        assertEquals(List.of(), found.broken());
        assertEquals("working", Backends.choose(null, "--backend", found, name -> null).name());
        assertEquals(String.format("backends:%n  %-10s %-12s %s", "working", "available", "here"),
                Backends.status(found));
    }
}
