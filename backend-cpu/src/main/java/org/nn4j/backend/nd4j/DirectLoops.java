package org.nn4j.backend.nd4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Adam and momentum updates, ReLU and its gradient in place in nd4j-native's memory, on the Vector API
 * ({@code org.nn4j.backend.nd4j.vector.VectorLoops}, in src/vector/java), where the JVM was started
 * with {@code --add-modules jdk.incubator.vector} (./nn does so) and {@code nn4j.nd4j.vector} is not
 * {@code false}; elsewhere the backend copies chunks to Java arrays for {@code HostKernels}' loops.
 * Both give the same bits and pass the conformance kit. The kernels are reached through method handles,
 * so that nothing here names a class that needs the incubator module.
 */
final class DirectLoops {
    /** System property that turns the Vector API loops off ({@code false}). */
    static final String PROPERTY = "nn4j.nd4j.vector";
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final Class<ByteBuffer> B = ByteBuffer.class;
    private static final MethodHandle ADAM32 = kernel("adam", MethodType.methodType(void.class, B, B, B, B,
            int.class, int.class, float.class, float.class, float.class, float.class, float.class, float.class,
            float.class, float.class));
    private static final MethodHandle ADAM64 = kernel("adam", MethodType.methodType(void.class, B, B, B, B,
            int.class, int.class, double.class, double.class, double.class, double.class, double.class,
            double.class, double.class, double.class));
    private static final MethodHandle MOMENTUM32 = kernel("momentum", MethodType.methodType(void.class, B, B, B,
            int.class, int.class, float.class, float.class, boolean.class, float.class));
    private static final MethodHandle MOMENTUM64 = kernel("momentum", MethodType.methodType(void.class, B, B, B,
            int.class, int.class, double.class, double.class, boolean.class, double.class));
    private static final MethodHandle SHAPE = kernel("shape", MethodType.methodType(String.class));
    private static final MethodType UNARY = MethodType.methodType(void.class, B, B, int.class, int.class);
    private static final MethodType BINARY = MethodType.methodType(void.class, B, B, B, int.class, int.class);
    private static final MethodType ROWS = MethodType.methodType(void.class, B, B, B, int.class, int.class, int.class);
    private static final MethodHandle RELU32 = kernel("relu32", UNARY);
    private static final MethodHandle RELU64 = kernel("relu64", UNARY);
    private static final MethodHandle RELU_BACKWARD32 = kernel("reluBackward32", BINARY);
    private static final MethodHandle RELU_BACKWARD64 = kernel("reluBackward64", BINARY);
    private static final MethodHandle BIAS_RELU32 = kernel("biasRelu32", ROWS);
    private static final MethodHandle BIAS_RELU64 = kernel("biasRelu64", ROWS);

    /** The kernel {@code name} of {@code type} in VectorLoops; null where this JVM has no Vector API. */
    private static MethodHandle kernel(String name, MethodType type) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(
                    Class.forName("org.nn4j.backend.nd4j.vector.VectorLoops"), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
            return "optimizer updates and ReLU in place on the Vector API (" + (String) SHAPE.invokeExact() + ")";
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

    /** ReLU of elements {@code from .. to} of {@code x} into {@code out}, of the dtype {@code doubles} says. */
    static void relu(boolean doubles, ByteBuffer x, ByteBuffer out, int from, int to) {
        try {
            if (doubles) {
                RELU64.invokeExact(x, out, from, to);
            } else {
                RELU32.invokeExact(x, out, from, to);
            }
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** ReLU's gradient from its output {@code y}, elements {@code from .. to}. */
    static void reluBackward(boolean doubles, ByteBuffer y, ByteBuffer grad, ByteBuffer out, int from, int to) {
        try {
            if (doubles) {
                RELU_BACKWARD64.invokeExact(y, grad, out, from, to);
            } else {
                RELU_BACKWARD32.invokeExact(y, grad, out, from, to);
            }
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Rows {@code from .. to} of {@code z} plus the bias row (kept in {@code z}), and their ReLU in {@code out}. */
    static void biasRelu(boolean doubles, ByteBuffer z, ByteBuffer bias, ByteBuffer out, int from, int to,
            int cols) {
        try {
            if (doubles) {
                BIAS_RELU64.invokeExact(z, bias, out, from, to, cols);
            } else {
                BIAS_RELU32.invokeExact(z, bias, out, from, to, cols);
            }
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
