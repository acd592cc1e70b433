package org.nn4j.backend.nd4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Adam and momentum updates in place in nd4j-native's memory, on the Vector API ({@code
 * org.nn4j.backend.nd4j.vector.VectorUpdates}, in src/vector/java), where the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (./nn does so) and {@code nn4j.nd4j.vector} is not {@code
 * false}; elsewhere the backend copies chunks to Java arrays for {@code HostKernels}' loops, as before.
 * Both give the same bits and pass the conformance kit. The kernels are reached through method handles,
 * so that nothing here names a class that needs the incubator module.
 */
final class DirectUpdates {
    /** System property that turns the Vector API updates off ({@code false}). */
    static final String PROPERTY = "nn4j.nd4j.vector";
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final MethodHandle ADAM32;
    private static final MethodHandle ADAM64;
    private static final MethodHandle MOMENTUM32;
    private static final MethodHandle MOMENTUM64;
    private static final MethodHandle SHAPE;

    static {
        MethodHandle adam32 = null;
        MethodHandle adam64 = null;
        MethodHandle momentum32 = null;
        MethodHandle momentum64 = null;
        MethodHandle shape = null;
        if (AVAILABLE) {
            try {
                Class<?> kernels = Class.forName("org.nn4j.backend.nd4j.vector.VectorUpdates");
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<ByteBuffer> b = ByteBuffer.class;
                adam32 = lookup.findStatic(kernels, "adam", MethodType.methodType(void.class, b, b, b, b, int.class,
                        int.class, float.class, float.class, float.class, float.class, float.class, float.class,
                        float.class, float.class));
                adam64 = lookup.findStatic(kernels, "adam", MethodType.methodType(void.class, b, b, b, b, int.class,
                        int.class, double.class, double.class, double.class, double.class, double.class,
                        double.class, double.class, double.class));
                momentum32 = lookup.findStatic(kernels, "momentum", MethodType.methodType(void.class, b, b, b,
                        int.class, int.class, float.class, float.class, boolean.class, float.class));
                momentum64 = lookup.findStatic(kernels, "momentum", MethodType.methodType(void.class, b, b, b,
                        int.class, int.class, double.class, double.class, boolean.class, double.class));
                shape = lookup.findStatic(kernels, "shape", MethodType.methodType(String.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        ADAM32 = adam32;
        ADAM64 = adam64;
        MOMENTUM32 = momentum32;
        MOMENTUM64 = momentum64;
        SHAPE = shape;
    }

    private DirectUpdates() {
    }

    /** Whether a backend made without saying updates on the Vector API. */
    static boolean enabled() {
        return AVAILABLE && !"false".equals(System.getProperty(PROPERTY));
    }

    /** What updates run on, for {@code nn backends}. */
    static String description(boolean enabled) {
        if (!enabled) {
            return "optimizer updates on copies (start Java with --add-modules jdk.incubator.vector to update in place)";
        }
        try {
            return "optimizer updates in place on the Vector API (" + (String) SHAPE.invokeExact() + ")";
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, float beta1,
            float beta2, float c1, float c2, float step, float scale, float eps, float floor) {
        try {
            ADAM32.invokeExact(p, g, m, v, from, to, beta1, beta2, c1, c2, step, scale, eps, floor);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, double beta1,
            double beta2, double c1, double c2, double step, double scale, double eps, double floor) {
        try {
            ADAM64.invokeExact(p, g, m, v, from, to, beta1, beta2, c1, c2, step, scale, eps, floor);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, float mu, float lr,
            boolean nesterov, float floor) {
        try {
            MOMENTUM32.invokeExact(p, g, velocity, from, to, mu, lr, nesterov, floor);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, double mu, double lr,
            boolean nesterov, double floor) {
        try {
            MOMENTUM64.invokeExact(p, g, velocity, from, to, mu, lr, nesterov, floor);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
