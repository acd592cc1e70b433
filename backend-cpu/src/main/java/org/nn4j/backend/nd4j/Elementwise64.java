package org.nn4j.backend.nd4j;

import org.nn4j.api.Backend;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.codegen.Round;

/**
 * {@link Elementwise} on float64 matrices; {@code Elementwise32} is generated from this source at build
 * time.
 */
final class Elementwise64 extends Elementwise {

    Elementwise64(HostArrays[] work, boolean vectorLoops) {
        super(work, vectorLoops);
    }

    @Override
    void view(Nd4jMatrix m) {
        m.doubles();
    }

    @Override
    void inPlace(int from, int to) {
        if (op == Op.ACTIVATION) {
            DirectLoops64.relu(a.bytes(), out.bytes(), from, to);
        } else if (op == Op.ACTIVATION_BACKWARD) {
            DirectLoops64.reluBackward(a.bytes(), b.bytes(), out.bytes(), from, to);
        } else if (op == Op.BIAS_ACTIVATION) {
            DirectLoops64.biasRelu(a.bytes(), b.bytes(), out.bytes(), from, to, unit);
        } else if (op == Op.ADD_ROW_VECTOR) {
            DirectLoops64.addRow(a.bytes(), b.bytes(), out.bytes(), from, to, unit);
        } else if (op == Op.ADAM) {
            DirectLoops64.adam(a.bytes(), b.bytes(), c.bytes(), d.bytes(), from, to, (@Round double) s1,
                    (@Round double) s2, (@Round double) (1 - s1), (@Round double) (1 - s2), (@Round double) s3,
                    (@Round double) s4, (@Round double) s5, Backend.STATE_FLOOR_FLOAT64);
        } else {
            DirectLoops64.momentum(a.bytes(), b.bytes(), c.bytes(), from, to, (@Round double) s1, (@Round double) s2,
                    s3 != 0, Backend.STATE_FLOOR_FLOAT64);
        }
    }

    @Override
    void chunk(HostArrays w, int from, int length) {
        double[] x = op == Op.WIDEN ? w.doubles(0, length) : values(w, 0, a, from, length);
        switch (op) {
            case ADD_ROW_VECTOR:
                HostKernels64.addRowVector(x, values(w, 1, b, 0, unit), length / unit, unit, x);
                break;
            case AXPBY:
                HostKernels64.axpby(s1, x, s2, values(w, 1, b, from, length), length, x);
                break;
            case ACTIVATION:
                HostKernels64.activation(kind, x, length, x);
                break;
            case BIAS_ACTIVATION:
                double[] activated = w.doubles(2, length);
                HostKernels64.biasActivation(kind, x, values(w, 1, b, 0, unit), length / unit, unit, activated);
                a.doubles().put(from, x, 0, length);
                x = activated;
                break;
            case ACTIVATION_BACKWARD:
                double[] grad = values(w, 1, b, from, length);
                HostKernels64.activationBackward(kind, x, grad, length, grad);
                x = grad;
                break;
            case LEAKY_RELU:
                HostKernels64.leakyRelu(s1, x, length, x);
                break;
            case LEAKY_RELU_BACKWARD:
                HostKernels64.leakyReluBackward(s1, x, values(w, 1, b, from, length), length, x);
                break;
            case MULTIPLY_ROW_VECTOR:
                HostKernels64.multiplyRowVector(x, values(w, 1, b, 0, unit), length / unit, unit, x);
                break;
            case MULTIPLY:
                HostKernels64.multiply(x, values(w, 1, b, from, length), length, x);
                break;
            case ADAM:
                double[] m = values(w, 2, c, from, length);
                double[] v = values(w, 3, d, from, length);
                HostKernels64.adam(x, values(w, 1, b, from, length), m, v, length, s1, s2, s3, s4, s5);
                c.doubles().put(from, m, 0, length);
                d.doubles().put(from, v, 0, length);
                break;
            case MOMENTUM:
                double[] velocity = values(w, 2, c, from, length);
                HostKernels64.momentum(x, values(w, 1, b, from, length), velocity, length, s1, s2, s3 != 0);
                c.doubles().put(from, velocity, 0, length);
                break;
            case WIDEN:
                for (int i = 0; i < length; i++) {
                    x[i] = source[from + i];
                }
                break;
            default:
                throw new IllegalStateException(op.name());
        }
        out.doubles().put(from, x, 0, length);
    }

    /** Elements {@code from .. from + length} of {@code m} in work array {@code slot}. */
    private static double[] values(HostArrays w, int slot, Nd4jMatrix m, int from, int length) {
        double[] values = w.doubles(slot, length);
        m.doubles().get(from, values, 0, length);
        return values;
    }
}
