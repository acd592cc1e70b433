package org.nn4j.backend.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.nn4j.api.RecurrentCell;

/**
 * A row's pass of {@link RecurrentKernels64}' steps on the Vector API ({@code
 * org.nn4j.backend.host.vector.VectorCells64}, whose comment says why it is several small passes), for the
 * units a whole number of vectors covers; {@code CellPasses32} is generated from this source at build time.
 * The passes are reached through method handles, so that nothing here names a class that needs the
 * incubator module, held in instance fields, so that C2 does not inline them into one another. Arguments
 * are {@link RecurrentKernels64}' step methods'.
 */
final class CellPasses64 {
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final Class<double[]> A = double[].class;
    private static final Class<Integer> I = int.class;

    private final MethodHandle adds = pass("adds", A, I, A, I);
    private final MethodHandle sigmoids = pass("sigmoids", A, I, A, I, A, I, I);
    private final MethodHandle tanhs = pass("tanhs", A, I, A, I, A, I, I);
    private final MethodHandle tanhsOf = pass("tanhsOf", A, I, A, I, I);
    private final MethodHandle relus = pass("relus", A, I, A, I, A, I, I);
    private final MethodHandle rnnOut = pass("rnnOut", A, I, I, A, I, A, I, I);
    private final MethodHandle lstmCell = pass("lstmCell", A, I, A, I, I, A, I, A, I, I);
    private final MethodHandle gruCandidate = pass("gruCandidate", A, I, A, I, I, A, I, I);
    private final MethodHandle gruOut = pass("gruOut", I, A, I, A, I, A, I, I);
    private final MethodHandle rnnGrad = pass("rnnGrad", boolean.class, A, I, A, I, A, I, A, I, A, I, I);
    private final MethodHandle lstmGrad = pass("lstmGrad", A, I, A, I, A, I, I, A, I, A, I, A, A, I, A, I, I);
    private final MethodHandle gruGrad = pass("gruGrad", A, I, A, I, A, I, I, A, I, A, I, A, I, I);
    private final MethodHandle end;

    /** Only where {@link #AVAILABLE}. */
    CellPasses64() {
        try {
            end = MethodHandles.publicLookup().findStatic(vectorClass(), "end", MethodType.methodType(int.class,
                    int.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> vectorClass() throws ClassNotFoundException {
        return Class.forName("org.nn4j.backend.host.vector.VectorCells64");
    }

    private static MethodHandle pass(String name, Class<?>... parameters) {
        try {
            return MethodHandles.publicLookup().findStatic(vectorClass(), name, MethodType.methodType(void.class,
                    parameters));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code failure} as it is when unchecked, else wrapped. */
    private static RuntimeException rethrown(Throwable failure) {
        if (failure instanceof RuntimeException unchecked) {
            return unchecked;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failure);
    }

    /** The units of {@code hidden} the passes do. */
    private int end(int hidden) {
        try {
            return (int) end.invokeExact(hidden);
        } catch (Throwable failure) {
            throw rethrown(failure);
        }
    }

    /** {@code a[i + j] += b[j]} for {@code j} from 0 to {@code end(count)}; returns that end. */
    int adds(double[] a, int i, double[] b, int count) {
        int e = end(count);
        try {
            adds.invokeExact(a, i, b, e);
        } catch (Throwable failure) {
            throw rethrown(failure);
        }
        return e;
    }

    /** A forward step's units {@code 0 .. end(hidden)} of one row; returns that end. */
    int forward(RecurrentCell cell, double[] proj, int p, double[] gates, int q, int hidden, double[] out, int o,
            double[] cache, int c, double[] cellBefore, int b, double[] h, int r) {
        int e = end(hidden);
        try {
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    if (cell == RecurrentCell.RNN_TANH) {
                        tanhs.invokeExact(proj, p, gates, q, cache, c, e);
                    } else {
                        relus.invokeExact(proj, p, gates, q, cache, c, e);
                    }
                    rnnOut.invokeExact(cache, c, hidden, out, o, h, r, e);
                }
                case LSTM -> {
                    sigmoids.invokeExact(proj, p, gates, q, cache, c, e);
                    sigmoids.invokeExact(proj, p + hidden, gates, q + hidden, cache, c + hidden, e);
                    tanhs.invokeExact(proj, p + 2 * hidden, gates, q + 2 * hidden, cache, c + 2 * hidden, e);
                    sigmoids.invokeExact(proj, p + 3 * hidden, gates, q + 3 * hidden, cache, c + 3 * hidden, e);
                    lstmCell.invokeExact(cache, c, cellBefore, b, hidden, out, o, h, r, e);
                }
                case GRU -> {
                    sigmoids.invokeExact(proj, p, gates, q, cache, c, e);
                    sigmoids.invokeExact(proj, p + hidden, gates, q + hidden, cache, c + hidden, e);
                    gruCandidate.invokeExact(proj, p, gates, q, hidden, cache, c, e);
                    gruOut.invokeExact(hidden, cache, c, out, o, h, r, e);
                }
                default -> throw new IllegalArgumentException(cell.toString());
            }
        } catch (Throwable failure) {
            throw rethrown(failure);
        }
        return e;
    }

    /**
     * A backward step's units {@code 0 .. end(hidden)} of one row, {@code work} holding {@code hidden} from
     * {@code r}; returns that end.
     */
    int backward(RecurrentCell cell, double[] cache, int c, double[] cellBefore, int b, double[] hPrev, int previous,
            double[] outGrad, int o, int hidden, double[] projGrad, int p, double[] dGates, int q, double[] dh,
            double[] dc, int r, double[] work) {
        int e = end(hidden);
        try {
            switch (cell) {
                case RNN_TANH, RNN_RELU -> rnnGrad.invokeExact(cell == RecurrentCell.RNN_TANH, cache, c, outGrad, o,
                        projGrad, p, dGates, q, dh, r, e);
                case LSTM -> {
                    tanhsOf.invokeExact(cache, c + 4 * hidden, work, r, e);
                    lstmGrad.invokeExact(cache, c, cellBefore, b, outGrad, o, hidden, projGrad, p, dGates, q, dh, dc, r,
                            work, r, e);
                }
                case GRU -> gruGrad.invokeExact(cache, c, hPrev, previous, outGrad, o, hidden, projGrad, p, dGates, q,
                        dh, r, e);
                default -> throw new IllegalArgumentException(cell.toString());
            }
        } catch (Throwable failure) {
            throw rethrown(failure);
        }
        return e;
    }
}
