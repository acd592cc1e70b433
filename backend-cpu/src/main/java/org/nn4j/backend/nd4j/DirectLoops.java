package org.nn4j.backend.nd4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether Adam and momentum updates, ReLU and its gradient run in place in nd4j-native's memory, on the
 * Vector API ({@code org.nn4j.backend.nd4j.vector.VectorLoops64} and its generated float32 twin, in
 * src/vector/java): where the JVM was started with {@code --add-modules jdk.incubator.vector} (./nn does
 * so) and {@code nn4j.nd4j.vector} is not {@code false}; elsewhere the backend copies chunks to Java
 * arrays for {@code HostKernels64}' loops (or their twins'). Both give the same bits and pass the
 * conformance kit. The kernels are reached through method handles ({@link DirectLoops64}), so that
 * nothing names a class that needs the incubator module.
 */
final class DirectLoops {
    /** System property that turns the Vector API loops off ({@code false}). */
    static final String PROPERTY = "nn4j.nd4j.vector";
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private DirectLoops() {
    }

    /** Whether a backend made without saying runs its loops on the Vector API. */
    static boolean enabled() {
        return AVAILABLE && !"false".equals(System.getProperty(PROPERTY));
    }

    /** What the loops run on, for {@code nn backends}. */
    static String description(boolean enabled) {
        if (!enabled) {
            return "optimizer updates and ReLU on copies (start Java with --add-modules jdk.incubator.vector to work"
                    + " in place)";
        }
        try {
            return "optimizer updates and ReLU in place on the Vector API ("
                    + (String) kernel("VectorLoops32", "shape", MethodType.methodType(String.class)).invokeExact() + ")";
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kernel {@code name} of {@code type} in {@code loops}; null where this JVM has no Vector API. */
    static MethodHandle kernel(String loops, String name, MethodType type) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName("org.nn4j.backend.nd4j.vector." + loops), name,
                    type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code e} thrown as it is when unchecked, else wrapped. */
    static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
