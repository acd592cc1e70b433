package org.nn4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The golden cases kept in this module's test resources. */
public final class Golden {
    public static final String SEED = "seed-example.json";
    public static final String BATCH = "batch-example.json";

    private Golden() {
    }

    public static String text(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name + " in the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static GradientCase load(String name) {
        return GradientCase.parse(text(name), name);
    }
}
