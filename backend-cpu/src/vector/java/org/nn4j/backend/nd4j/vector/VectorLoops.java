package org.nn4j.backend.nd4j.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A training step's element-wise loops on the JDK's Vector API ({@code jdk.incubator.vector}), read
 * and written in place in native memory (nd4j-native's arrays, as direct byte buffers in the
 * platform's order): Adam and momentum updates, ReLU, its gradient and ReLU after a bias. A Java loop
 * over Java arrays needs each chunk copied in and out first, which cost as much as an update itself.
 * Elements {@code from .. to} of each array (rows, for the bias); arithmetic as {@code
 * org.nn4j.api.HostKernels}' loops, operation by operation (no fused multiply-adds), so both give the
 * same bits; optimizer state at or below the floor becomes {@code x * 0}, as there.
 *
 * <p>Loading this class needs {@code --add-modules jdk.incubator.vector}; the backend calls it only
 * where that module is present.
 */
public final class VectorLoops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLoops() {
    }

    /** The vector shape used here, for {@code nn backends}: "512-bit" and the like. */
    public static String shape() {
        return F.vectorBitSize() + "-bit";
    }

    /** Adam, float32: the arguments of {@code HostKernels.adam}, each scalar already rounded to float32. */
    public static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, float beta1,
            float beta2, float c1, float c2, float step, float scale, float eps, float floor) {
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
            int at = 4 * i;
            FloatVector gi = FloatVector.fromByteBuffer(F, g, at, ORDER);
            FloatVector mi = flush(FloatVector.fromByteBuffer(F, m, at, ORDER).mul(beta1).add(gi.mul(c1)), floor);
            FloatVector vi = flush(FloatVector.fromByteBuffer(F, v, at, ORDER).mul(beta2).add(gi.mul(c2).mul(gi)),
                    floor);
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            FloatVector update = mi.mul(step).div(vi.lanewise(VectorOperators.SQRT).mul(scale).add(eps));
            FloatVector.fromByteBuffer(F, p, at, ORDER).sub(update).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 4 * i;
            float gi = g.getFloat(at);
            float mi = flush(beta1 * m.getFloat(at) + c1 * gi, floor);
            float vi = flush(beta2 * v.getFloat(at) + c2 * gi * gi, floor);
            m.putFloat(at, mi);
            v.putFloat(at, vi);
            p.putFloat(at, p.getFloat(at) - step * mi / ((float) Math.sqrt(vi) * scale + eps));
        }
    }

    /** Adam, float64. */
    public static void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int to, double beta1,
            double beta2, double c1, double c2, double step, double scale, double eps, double floor) {
        int i = from;
        for (int end = from + D.loopBound(to - from); i < end; i += D.length()) {
            int at = 8 * i;
            DoubleVector gi = DoubleVector.fromByteBuffer(D, g, at, ORDER);
            DoubleVector mi = flush(DoubleVector.fromByteBuffer(D, m, at, ORDER).mul(beta1).add(gi.mul(c1)), floor);
            DoubleVector vi = flush(DoubleVector.fromByteBuffer(D, v, at, ORDER).mul(beta2).add(gi.mul(c2).mul(gi)),
                    floor);
            mi.intoByteBuffer(m, at, ORDER);
            vi.intoByteBuffer(v, at, ORDER);
            DoubleVector update = mi.mul(step).div(vi.lanewise(VectorOperators.SQRT).mul(scale).add(eps));
            DoubleVector.fromByteBuffer(D, p, at, ORDER).sub(update).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 8 * i;
            double gi = g.getDouble(at);
            double mi = flush(beta1 * m.getDouble(at) + c1 * gi, floor);
            double vi = flush(beta2 * v.getDouble(at) + c2 * gi * gi, floor);
            m.putDouble(at, mi);
            v.putDouble(at, vi);
            p.putDouble(at, p.getDouble(at) - step * mi / (Math.sqrt(vi) * scale + eps));
        }
    }

    /** Momentum, float32: {@code b = mu velocity + g} (flushed), then {@code p -= lr b}, or Nesterov's {@code lr (g + mu b)}. */
    public static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, float mu, float lr,
            boolean nesterov, float floor) {
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
            int at = 4 * i;
            FloatVector gi = FloatVector.fromByteBuffer(F, g, at, ORDER);
            FloatVector b = flush(FloatVector.fromByteBuffer(F, velocity, at, ORDER).mul(mu).add(gi), floor);
            b.intoByteBuffer(velocity, at, ORDER);
            FloatVector step = nesterov ? gi.add(b.mul(mu)).mul(lr) : b.mul(lr);
            FloatVector.fromByteBuffer(F, p, at, ORDER).sub(step).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 4 * i;
            float gi = g.getFloat(at);
            float b = flush(mu * velocity.getFloat(at) + gi, floor);
            velocity.putFloat(at, b);
            p.putFloat(at, p.getFloat(at) - (nesterov ? lr * (gi + mu * b) : lr * b));
        }
    }

    /** Momentum, float64. */
    public static void momentum(ByteBuffer p, ByteBuffer g, ByteBuffer velocity, int from, int to, double mu,
            double lr, boolean nesterov, double floor) {
        int i = from;
        for (int end = from + D.loopBound(to - from); i < end; i += D.length()) {
            int at = 8 * i;
            DoubleVector gi = DoubleVector.fromByteBuffer(D, g, at, ORDER);
            DoubleVector b = flush(DoubleVector.fromByteBuffer(D, velocity, at, ORDER).mul(mu).add(gi), floor);
            b.intoByteBuffer(velocity, at, ORDER);
            DoubleVector step = nesterov ? gi.add(b.mul(mu)).mul(lr) : b.mul(lr);
            DoubleVector.fromByteBuffer(D, p, at, ORDER).sub(step).intoByteBuffer(p, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 8 * i;
            double gi = g.getDouble(at);
            double b = flush(mu * velocity.getDouble(at) + gi, floor);
            velocity.putDouble(at, b);
            p.putDouble(at, p.getDouble(at) - (nesterov ? lr * (gi + mu * b) : lr * b));
        }
    }

    /** ReLU, float32: {@code out = max(x, 0)}; {@code out} may be {@code x}. */
    public static void relu32(ByteBuffer x, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
            FloatVector.fromByteBuffer(F, x, 4 * i, ORDER).max(0f).intoByteBuffer(out, 4 * i, ORDER);
        }
        for (; i < to; i++) {
            out.putFloat(4 * i, Math.max(x.getFloat(4 * i), 0));
        }
    }

    /** ReLU, float64. */
    public static void relu64(ByteBuffer x, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + D.loopBound(to - from); i < end; i += D.length()) {
            DoubleVector.fromByteBuffer(D, x, 8 * i, ORDER).max(0.0).intoByteBuffer(out, 8 * i, ORDER);
        }
        for (; i < to; i++) {
            out.putDouble(8 * i, Math.max(x.getDouble(8 * i), 0));
        }
    }

    /**
     * ReLU's gradient from its output, float32: {@code out = grad * min(y * 2^254, 1)}, the step as
     * HostKernels computes it; {@code out} may be {@code grad}.
     */
    public static void reluBackward32(ByteBuffer y, ByteBuffer grad, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + F.loopBound(to - from); i < end; i += F.length()) {
            int at = 4 * i;
            FloatVector step = FloatVector.fromByteBuffer(F, y, at, ORDER).mul(0x1p127f).mul(0x1p127f).min(1f);
            FloatVector.fromByteBuffer(F, grad, at, ORDER).mul(step).intoByteBuffer(out, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 4 * i;
            out.putFloat(at, grad.getFloat(at) * Math.min(y.getFloat(at) * 0x1p127f * 0x1p127f, 1f));
        }
    }

    /** ReLU's gradient, float64: the step is {@code min(y * 2^2046, 1)}. */
    public static void reluBackward64(ByteBuffer y, ByteBuffer grad, ByteBuffer out, int from, int to) {
        int i = from;
        for (int end = from + D.loopBound(to - from); i < end; i += D.length()) {
            int at = 8 * i;
            DoubleVector step = DoubleVector.fromByteBuffer(D, y, at, ORDER).mul(0x1p1023).mul(0x1p1023).min(1.0);
            DoubleVector.fromByteBuffer(D, grad, at, ORDER).mul(step).intoByteBuffer(out, at, ORDER);
        }
        for (; i < to; i++) {
            int at = 8 * i;
            out.putDouble(at, grad.getDouble(at) * Math.min(y.getDouble(at) * 0x1p1023 * 0x1p1023, 1));
        }
    }

    /**
     * Rows {@code from .. to} of {@code z} ({@code cols} wide) plus the bias row, kept in {@code z},
     * and their ReLU in {@code out}, float32.
     */
    public static void biasRelu32(ByteBuffer z, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        int bound = F.loopBound(cols);
        for (int r = from; r < to; r++) {
            int row = 4 * r * cols;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector sum = FloatVector.fromByteBuffer(F, z, row + 4 * j, ORDER)
                        .add(FloatVector.fromByteBuffer(F, bias, 4 * j, ORDER));
                sum.intoByteBuffer(z, row + 4 * j, ORDER);
                sum.max(0f).intoByteBuffer(out, row + 4 * j, ORDER);
            }
            for (; j < cols; j++) {
                float sum = z.getFloat(row + 4 * j) + bias.getFloat(4 * j);
                z.putFloat(row + 4 * j, sum);
                out.putFloat(row + 4 * j, Math.max(sum, 0));
            }
        }
    }

    /** As {@link #biasRelu32}, float64. */
    public static void biasRelu64(ByteBuffer z, ByteBuffer bias, ByteBuffer out, int from, int to, int cols) {
        int bound = D.loopBound(cols);
        for (int r = from; r < to; r++) {
            int row = 8 * r * cols;
            int j = 0;
            for (; j < bound; j += D.length()) {
                DoubleVector sum = DoubleVector.fromByteBuffer(D, z, row + 8 * j, ORDER)
                        .add(DoubleVector.fromByteBuffer(D, bias, 8 * j, ORDER));
                sum.intoByteBuffer(z, row + 8 * j, ORDER);
                sum.max(0.0).intoByteBuffer(out, row + 8 * j, ORDER);
            }
            for (; j < cols; j++) {
                double sum = z.getDouble(row + 8 * j) + bias.getDouble(8 * j);
                z.putDouble(row + 8 * j, sum);
                out.putDouble(row + 8 * j, Math.max(sum, 0));
            }
        }
    }

    /** {@code x}, or {@code x * 0} where {@code |x|} is at most {@code floor}; NaN stays NaN. */
    private static FloatVector flush(FloatVector x, float floor) {
        VectorMask<Float> small = x.abs().compare(VectorOperators.LE, floor);
        return x.blend(x.mul(0f), small);
    }

    private static DoubleVector flush(DoubleVector x, double floor) {
        VectorMask<Double> small = x.abs().compare(VectorOperators.LE, floor);
        return x.blend(x.mul(0.0), small);
    }

    private static float flush(float x, float floor) {
        return Math.abs(x) <= floor ? x * 0f : x;
    }

    private static double flush(double x, double floor) {
        return Math.abs(x) <= floor ? x * 0.0 : x;
    }
}
