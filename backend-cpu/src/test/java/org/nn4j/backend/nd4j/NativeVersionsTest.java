package org.nn4j.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A class path that mixes JavaCPP or OpenBLAS versions is told before ND4J loads, naming the jar. */
class NativeVersionsTest {
    @TempDir
    Path dir;

    /** A jar of {@code name} with a manifest for bundle {@code bundle} {@code version}, and a pkg-config file when given. */
    private URL jar(String name, String bundle, String version, String openBlasVersion) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bundle != null) {
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", bundle);
            manifest.getMainAttributes().putValue("Bundle-Version", version);
        }
        Path file = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            if (openBlasVersion != null) {
                out.putNextEntry(new JarEntry("org/bytedeco/openblas/linux-x86_64/lib/pkgconfig/openblas.pc"));
                out.write(("prefix=/\nversion=" + openBlasVersion + "\nVersion: ${version}\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return file.toUri().toURL();
    }

    private static String mismatch(URL... jars) {
        try (URLClassLoader loader = new URLClassLoader(jars, null)) {
            return NativeVersions.mismatch(loader);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theVersionsNeededPass() throws IOException {
        assertNull(mismatch(jar("javacpp-1.5.13.jar", "org.bytedeco.javacpp", "1.5.13", null),
                jar("javacpp-1.5.13-linux-x86_64.jar", "org.bytedeco.javacpp.linux-x86_64", "1.5.13", null),
                jar("openblas-0.3.31-1.5.13-linux-x86_64.jar", null, null, "0.3.31"),
                jar("other.jar", "org.example.other", "9", null)));
    }

    @Test
    void anOlderJavaCppOrOpenBlasIsNamed() throws IOException {
        URL javacpp = jar("javacpp-1.5.13.jar", "org.bytedeco.javacpp;singleton:=true", "1.5.13", null);
        URL oldNatives = jar("javacpp-1.5.7-linux-x86_64.jar", "org.bytedeco.javacpp.linux-x86_64", "1.5.7", null);
        URL oldBlas = jar("openblas-0.3.19-1.5.7-linux-x86_64.jar", null, null, "0.3.19");
        assertEquals("ND4J runs here on JavaCPP 1.5.13 and OpenBLAS 0.3.31, but the class path holds JavaCPP 1.5.7"
                + " (javacpp-1.5.7-linux-x86_64.jar), OpenBLAS 0.3.19 (openblas-0.3.19-1.5.7-linux-x86_64.jar);"
                + " import org.nn4j:nn4j-bom in the dependencyManagement of your build, which pins both",
                mismatch(javacpp, oldNatives, oldBlas));
    }

    @Test
    void thisBuildsClassPathHoldsTheVersionsNeeded() {
        assertNull(NativeVersions.mismatch(NativeVersionsTest.class.getClassLoader()));
    }
}
