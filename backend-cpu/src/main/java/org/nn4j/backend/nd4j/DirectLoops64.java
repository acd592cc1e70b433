package org.nn4j.backend.nd4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * The float64 loops in place on the Vector API ({@code VectorLoops64}), through method handles (see {@link
 * DirectLoops}); {@code DirectLoops32}, for the float32 loops, is generated from this source at build time.
 */
final class DirectLoops64 {
    private static final String LOOPS = "VectorLoops64";
    private static final Class<ByteBuffer> B = ByteBuffer.class;
    private static final MethodHandle ADAM = DirectLoops.kernel(LOOPS, "adam", MethodType.methodType(void.class, B, B,
            B, B, int.class, int.class, double.class, double.class, double.class, double.class, double.class,
            double.class, double.class, double.class));
    private static final MethodHandle MOMENTUM = DirectLoops.kernel(LOOPS, "momentum", MethodType.methodType(
            void.class, B, B, B, int.class, int.class, double.class, double.class, boolean.class, double.class));
    private static final MethodHandle RELU = DirectLoops.kernel(LOOPS, "relu", MethodType.methodType(void.class, B,
            B, int.class, int.class));
    private static final MethodHandle RELU_BACKWARD = DirectLoops.kernel(LOOPS, "reluBackward",
            MethodType.methodType(void.class, B, B, B, int.class, int.class));
    private static final MethodHandle BIAS_RELU = DirectLoops.kernel(LOOPS, "biasRelu", MethodType.methodType(
            void.class, B, B, B, int.class, int.class, int.class));

    private static final MethodHandle ADD_ROW = DirectLoops.kernel(LOOPS, "addRow", MethodType.methodType(
            void.class, B, B, B, int.class, int.class, int.class));

    private DirectLoops64() {
    }

    /** Adam on elements {@code from .. to}, the scalars rounded to the element type. */
    static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, double beta1,
            double beta2, double c1, double c2, double step, double scale, double eps, double floor) {
        try {
            ADAM.invokeExact(p, g, m, v, from, to, beta1, beta2, c1, c2, step, scale, eps, floor);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }

    /** Momentum on elements {@code from .. to}, the scalars rounded to the element type. */
    static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, double mu, double lr,
            boolean nesterov, double floor) {
        try {
            MOMENTUM.invokeExact(p, g, velocity, from, to, mu, lr, nesterov, floor);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }

    /** ReLU of elements {@code from .. to} of {@code x} into {@code out}. */
    static void relu(ByteBuffer x, ByteBuffer out, int from, int to) {
        try {
            RELU.invokeExact(x, out, from, to);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }

    /** ReLU's gradient from its output {@code y}, elements {@code from .. to}. */
    static void reluBackward(ByteBuffer y, ByteBuffer grad, ByteBuffer out, int from, int to) {
        try {
            RELU_BACKWARD.invokeExact(y, grad, out, from, to);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }

    /** Rows {@code from .. to} of {@code z} plus the bias row (kept in {@code z}), and their ReLU in {@code out}. */
    static void biasRelu(ByteBuffer z, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        try {
            BIAS_RELU.invokeExact(z, bias, out, from, to, cols);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }

    /** Rows {@code from .. to} of {@code a} plus the bias row, into {@code out}. */
    static void addRow(ByteBuffer a, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        try {
            ADD_ROW.invokeExact(a, bias, out, from, to, cols);
        } catch (Throwable e) {
            throw DirectLoops.rethrow(e);
        }
    }
}
