package org.nn4j.backend.nd4j.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nn4j.backend.host.Scales;
import org.nn4j.codegen.Round;

/**
 * A training step's element-wise loops on the JDK's Vector API ({@code jdk.incubator.vector}), read
 * and written in place in native memory (nd4j-native's arrays, as direct byte buffers in the
 * platform's order), on float64 values: Adam and momentum updates, ReLU, its gradient and ReLU after a
 * bias. {@code VectorLoops32}, the float32 loops, is generated from this source at build time (the Vector
 * API's types force two). A Java loop over Java arrays needs each chunk copied in and out first, which
 * cost as much as an update itself. Elements {@code from .. to} of each array (rows, for the bias);
 * arithmetic as {@code org.nn4j.backend.host.HostKernels64}' loops, operation by operation (no fused
 * multiply-adds), so both give the same bits; optimizer state at or below the floor becomes {@code x *
 * 0}, as there.
 *
 * <p>Loading this class needs {@code --add-modules jdk.incubator.vector}; the backend calls it only
 * where that module is present.
 */
public final class VectorLoops64 {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes per element. */
    private static final int E = Double.BYTES;

    private VectorLoops64() {
    }

    /** The vector shape used here, for {@code nn backends}: "512-bit" and the like. */
    public static String shape() {
        return S.vectorBitSize() + "-bit";
    }

    /** Adam: the arguments of {@code HostKernels64.adam}, each scalar already rounded to the element type. */
    public static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, double beta1,
            double beta2, double c1, double c2, double step, double scale, double eps, double floor) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            int at = E * i;
            DoubleVector gi = DoubleVector.fromByteBuffer(S, g, at, ORDER);
            DoubleVector mi = flush(DoubleVector.fromByteBuffer(S, m, at, ORDER).mul(beta1).add(gi.mul(c1)), floor);
            DoubleVector vi = flush(DoubleVector.fromByteBuffer(S, v, at, ORDER).mul(beta2).add(gi.mul(c2).mul(gi)),
                    floor);
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            DoubleVector update = mi.mul(step).div(vi.lanewise(VectorOperators.SQRT).mul(scale).add(eps));
            DoubleVector.fromByteBuffer(S, p, at, ORDER).sub(update).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = E * i;
            double gi = g.getDouble(at);
            double mi = flush(beta1 * m.getDouble(at) + c1 * gi, floor);
            double vi = flush(beta2 * v.getDouble(at) + c2 * gi * gi, floor);
            m.putDouble(at, mi);
            v.putDouble(at, vi);
            p.putDouble(at, p.getDouble(at) - step * mi / ((@Round double) Math.sqrt(vi) * scale + eps));
        }
    }

    /** Momentum: {@code b = mu velocity + g} (flushed), then {@code p -= lr b}, or Nesterov's {@code lr (g + mu b)}. */
    public static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, double mu,
            double lr, boolean nesterov, double floor) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            int at = E * i;
            DoubleVector gi = DoubleVector.fromByteBuffer(S, g, at, ORDER);
            DoubleVector b = flush(DoubleVector.fromByteBuffer(S, velocity, at, ORDER).mul(mu).add(gi), floor);
            b.intoByteBuffer(velocity, at, ORDER);
            DoubleVector step = nesterov ? gi.add(b.mul(mu)).mul(lr) : b.mul(lr);
            DoubleVector.fromByteBuffer(S, p, at, ORDER).sub(step).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = E * i;
            double gi = g.getDouble(at);
            double b = flush(mu * velocity.getDouble(at) + gi, floor);
            velocity.putDouble(at, b);
            p.putDouble(at, p.getDouble(at) - (nesterov ? lr * (gi + mu * b) : lr * b));
        }
    }

    /** ReLU: {@code out = max(x, 0)}; {@code out} may be {@code x}. */
    public static void relu(ByteBuffer x, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            DoubleVector.fromByteBuffer(S, x, E * i, ORDER).max(0.0).intoByteBuffer(out, E * i, ORDER);
        }
        for (; i < to; i++) {
            out.putDouble(E * i, Math.max(x.getDouble(E * i), 0));
        }
    }

    /**
     * ReLU's gradient from its output: {@code out = grad * min(y * STEP * STEP, 1)}, the step as
     * HostKernels64 computes it; {@code out} may be {@code grad}.
     */
    public static void reluBackward(ByteBuffer y, ByteBuffer grad, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            int at = E * i;
            DoubleVector step = DoubleVector.fromByteBuffer(S, y, at, ORDER).mul(Scales.STEP_FLOAT64)
                    .mul(Scales.STEP_FLOAT64).min(1.0);
            DoubleVector.fromByteBuffer(S, grad, at, ORDER).mul(step).intoByteBuffer(out, at, ORDER);
        }
        for (; i < to; i++) {
            int at = E * i;
            out.putDouble(at, grad.getDouble(at) * Math.min(y.getDouble(at) * Scales.STEP_FLOAT64 * Scales.STEP_FLOAT64,
                    1));
        }
    }

    /**
     * Rows {@code from .. to} of {@code z} ({@code cols} wide) plus the bias row, kept in {@code z},
     * and their ReLU in {@code out}.
     */
    public static void biasRelu(ByteBuffer z, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        int bound = S.loopBound(cols);
        for (int r = from; r < to; r++) {
            int row = E * r * cols;
            int j = 0;
            for (; j < bound; j += S.length()) {
                DoubleVector sum = DoubleVector.fromByteBuffer(S, z, row + E * j, ORDER)
                        .add(DoubleVector.fromByteBuffer(S, bias, E * j, ORDER));
                sum.intoByteBuffer(z, row + E * j, ORDER);
                sum.max(0.0).intoByteBuffer(out, row + E * j, ORDER);
            }
            for (; j < cols; j++) {
                double sum = z.getDouble(row + E * j) + bias.getDouble(E * j);
                z.putDouble(row + E * j, sum);
                out.putDouble(row + E * j, Math.max(sum, 0));
            }
        }
    }

    /** Rows {@code from .. to} of {@code a} ({@code cols} wide) plus the bias row, into {@code out} (may be {@code a}). */
    public static void addRow(ByteBuffer a, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        int bound = S.loopBound(cols);
        for (int r = from; r < to; r++) {
            int row = E * r * cols;
            int j = 0;
            for (; j < bound; j += S.length()) {
                DoubleVector.fromByteBuffer(S, a, row + E * j, ORDER).add(DoubleVector.fromByteBuffer(S, bias, E * j,
                        ORDER)).intoByteBuffer(out, row + E * j, ORDER);
            }
            for (; j < cols; j++) {
                out.putDouble(row + E * j, a.getDouble(row + E * j) + bias.getDouble(E * j));
            }
        }
    }

    /** {@code x}, or {@code x * 0} where {@code |x|} is at most {@code floor}; NaN stays NaN. */
    private static DoubleVector flush(DoubleVector x, double floor) {
        VectorMask<Double> small = x.abs().compare(VectorOperators.LE, floor);
        return x.blend(x.mul(0.0), small);
    }

    private static double flush(double x, double floor) {
        return Math.abs(x) <= floor ? x * 0.0 : x;
    }
}
