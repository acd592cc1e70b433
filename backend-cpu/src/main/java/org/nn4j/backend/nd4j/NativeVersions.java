package org.nn4j.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Whether the class path holds the JavaCPP and OpenBLAS that nn4j's ND4J backends run on, and no
 * other: ND4J's own POMs ask for older ones, and a class path that mixes JavaCPP versions fails at
 * ND4J's first use with an {@link Error} from native code. Read from the jars' manifests (JavaCPP's
 * {@code Bundle-Version}) and OpenBLAS's pkg-config file, without loading anything.
 */
public final class NativeVersions {
    /** The JavaCPP version the ND4J backends run on. */
    public static final String JAVACPP = "1.5.13";
    /** The OpenBLAS version the ND4J backends run on. */
    public static final String OPENBLAS = "0.3.31";
    private static final String OPENBLAS_PC = "org/bytedeco/openblas/linux-x86_64/lib/pkgconfig/openblas.pc";

    private NativeVersions() {
    }

    /**
     * Null when every JavaCPP and OpenBLAS jar that {@code loader} sees has the version needed; else one
     * line naming the others and what to do.
     */
    public static String mismatch(ClassLoader loader) {
        List<String> wrong = new ArrayList<>();
        try {
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                Attributes main;
                try (InputStream in = url.openStream()) {
                    main = new Manifest(in).getMainAttributes();
                }
                String name = main.getValue("Bundle-SymbolicName");
                String version = main.getValue("Bundle-Version");
                if (name != null && name.split(";")[0].trim().matches("org\\.bytedeco\\.javacpp(\\..*)?")
                        && version != null && !version.trim().equals(JAVACPP)) {
                    wrong.add("JavaCPP " + version.trim() + " (" + jar(url) + ")");
                }
            }
            Enumeration<URL> openBlas = loader.getResources(OPENBLAS_PC);
            while (openBlas.hasMoreElements()) {
                URL url = openBlas.nextElement();
                String version = pkgConfigVersion(url);
                if (version != null && !version.equals(OPENBLAS)) {
                    wrong.add("OpenBLAS " + version + " (" + jar(url) + ")");
                }
            }
        } catch (IOException e) {
            return null; // Unreadable jars are for the loading itself to report.
        }
        if (wrong.isEmpty()) {
            return null;
        }
        return "ND4J runs here on JavaCPP " + JAVACPP + " and OpenBLAS " + OPENBLAS + ", but the class path"
                + " holds " + String.join(", ", wrong) + "; import org.nn4j:nn4j-bom in the dependencyManagement"
                + " of your build, which pins both";
    }

    private static String pkgConfigVersion(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("version=")) {
                    return line.substring("version=".length()).trim();
                }
            }
        }
        return null;
    }

    /** The jar file's name of a resource's URL ({@code jar:file:/.../x.jar!/...}), or the URL. */
    private static String jar(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        String path = bang >= 0 ? s.substring(0, bang) : s;
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
