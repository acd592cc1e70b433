package org.nn4j.backend.ejml;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether products run on the Vector API kernel ({@code org.nn4j.backend.ejml.vector.VectorGemm64} and
 * its generated float32 twin, in src/vector/java) or on EJML's: the kernel where the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (./nn does so for ejml) and {@code nn4j.ejml.vector} is not
 * {@code false}; EJML's elsewhere. Both pass the conformance kit. The kernel is reached through method
 * handles ({@link EjmlOps64}), so that nothing names a class that needs the incubator module (javadoc and
 * the JVM without it never load it).
 */
final class Products {
    /** System property that turns the Vector API kernel off ({@code false}). */
    static final String PROPERTY = "nn4j.ejml.vector";
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Products() {
    }

    /** Whether a backend made without saying runs products on the kernel. */
    static boolean enabled() {
        return AVAILABLE && !"false".equals(System.getProperty(PROPERTY));
    }

    /** What products run on, for {@code nn backends}. */
    static String description() {
        return enabled() ? "products on the Vector API (" + shape() + ")"
                : "products on EJML (start Java with --add-modules jdk.incubator.vector for the Vector API kernel)";
    }

    private static String shape() {
        try {
            MethodHandle shape = MethodHandles.publicLookup().findStatic(
                    Class.forName("org.nn4j.backend.ejml.vector.VectorGemm32"), "shape",
                    MethodType.methodType(String.class));
            return (String) shape.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
