package org.nn4j.backend.nd4j.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam and momentum updates on the JDK's Vector API ({@code jdk.incubator.vector}), read and written
 * in place in native memory (nd4j-native's arrays, as direct byte buffers in the platform's order):
 * a Java loop over Java arrays needs each chunk copied in and out first, which cost as much as the
 * update itself. Elements {@code from .. to} of each array; arithmetic as {@code
 * org.nn4j.api.HostKernels}' loops, operation by operation (no fused multiply-adds), so both give the
 * same bits; state at or below the floor becomes {@code x * 0}, as there.
 *
 * <p>Loading this class needs {@code --add-modules jdk.incubator.vector}; the backend calls it only
 * where that module is present.
 */
public final class VectorUpdates {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorUpdates() {
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
