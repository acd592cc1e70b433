package org.nn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ChecksTest {

    private record Shape(int rows, int cols, DType dtype) implements Matrix {
    }

    private static final Matrix A = new Shape(128, 784, DType.FLOAT32);
    private static final Matrix W = new Shape(784, 256, DType.FLOAT32);
    private static final Matrix Z = new Shape(128, 256, DType.FLOAT32);
    private static final Matrix Z2 = new Shape(128, 256, DType.FLOAT32);
    private static final Matrix BIAS = new Shape(1, 256, DType.FLOAT32);

    @Test
    void messagesNameTheOperationTheActivationAndTheShapes() {
        Matrix wide = new Shape(128, 300, DType.FLOAT32);
        assertEquals("activationBackward relu: shapes differ, 128x256 and 128x300",
                assertThrows(IllegalArgumentException.class,
                        () -> Checks.activationBackward(ActivationKind.RELU, Z, Z2, Z, wide)).getMessage());
        assertEquals("activation tanh: cannot mix float32 and float64 matrices",
                assertThrows(IllegalArgumentException.class,
                        () -> Checks.activation(ActivationKind.TANH, Z, new Shape(128, 256, DType.FLOAT64)))
                        .getMessage());
        assertEquals("gemm: inner dimensions differ, A (128x784) times B^T (256x784)",
                assertThrows(IllegalArgumentException.class, () -> Checks.gemm(false, true, A, W, Z)).getMessage());
        assertEquals("gemm: C is 128x256 but A^T (784x128) times B (128x256) is 784x256",
                assertThrows(IllegalArgumentException.class, () -> Checks.gemm(true, false, A, Z, Z2)).getMessage());
        assertEquals("adamUpdate: shapes differ, 128x256 and 1x256",
                assertThrows(IllegalArgumentException.class, () -> Checks.sameShape("adamUpdate", Z, Z2, Z, BIAS))
                        .getMessage());
    }

    /** A training step makes these checks on every call: passing ones must not build their messages. */
    @Test
    void passingChecksAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int calls = 20_000;
        runChecks(calls);
        long before = threads.getThreadAllocatedBytes(thread);
        runChecks(calls);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < calls, allocated + " bytes allocated by " + calls + " rounds of passing checks");
    }

    private static void runChecks(int calls) {
        for (int i = 0; i < calls; i++) {
            Checks.gemm(false, false, A, W, Z);
            Checks.gemm(true, false, A, Z, W);
            Checks.addRowVector(Z, BIAS, Z2);
            Checks.columnSums(Z, BIAS);
            Checks.activation(ActivationKind.RELU, Z, Z2);
            Checks.activationBackward(ActivationKind.SIGMOID, Z, Z2, Z, Z2);
            Checks.sameShape("adamUpdate", W, W, W, W);
        }
    }
}
