package org.nn4j.backend.nd4j;

import org.nn4j.api.ActivationKind;
import org.nn4j.backend.host.WorkerPool;

/**
 * One element-wise operation of {@link HostMemoryOps}, set before each run, over one part of its
 * matrices a chunk at a time: each chunk is copied from ND4J's memory into the part's work arrays,
 * computed there by nn4j-backend-host's loops and copied back; or, where the Vector API is on ({@link
 * DirectLoops}), the updates, bias rows and ReLU in place. The operands a to d and out are as each operation's
 * method in HostMemoryOps names them; a row-wise operation keeps whole rows ({@code unit} elements)
 * together. What depends on the dtype is in {@link Elementwise64} and its generated float32 twin.
 */
abstract class Elementwise implements WorkerPool.Task {
    /** Elements per chunk: the work arrays of a chunk stay in the core's cache. */
    private static final int CHUNK = 4096;

    /** The operations. */
    enum Op {
        ADD_ROW_VECTOR, AXPBY, ACTIVATION, BIAS_ACTIVATION, ACTIVATION_BACKWARD, ADAM, MOMENTUM, WIDEN, LEAKY_RELU,
        LEAKY_RELU_BACKWARD, MULTIPLY_ROW_VECTOR, MULTIPLY
    }

    /** Work arrays by part. */
    private final HostArrays[] work;
    /** Whether the operations {@link #inPlace()} names run in place on the Vector API. */
    private final boolean vectorLoops;
    Op op;
    ActivationKind kind;
    Nd4jMatrix a;
    Nd4jMatrix b;
    Nd4jMatrix c;
    Nd4jMatrix d;
    Nd4jMatrix out;
    int unit;
    /** The values {@link Op#WIDEN} writes. */
    float[] source;
    double s1;
    double s2;
    double s3;
    double s4;
    double s5;

    Elementwise(HostArrays[] work, boolean vectorLoops) {
        this.work = work;
        this.vectorLoops = vectorLoops;
    }

    /** Sets the operation and its operands (null where it has fewer); returns this, to run. */
    final Elementwise set(Op op, ActivationKind kind, Nd4jMatrix a, Nd4jMatrix b, Nd4jMatrix c, Nd4jMatrix d,
            Nd4jMatrix out, int unit) {
        this.op = op;
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        this.out = out;
        this.unit = unit;
        // The parts share each matrix's buffer view: made here, on one thread, before they run.
        makeView(a);
        makeView(b);
        makeView(c);
        makeView(d);
        makeView(out);
        return this;
    }

    private void makeView(Nd4jMatrix m) {
        if (m == null) {
            return;
        }
        view(m);
        if (inPlace()) {
            m.bytes();
        }
    }

    /** The scalars of the next operation, as its method in HostMemoryOps names them. */
    final void scalars(double s1, double s2, double s3, double s4, double s5) {
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        this.s4 = s4;
        this.s5 = s5;
    }

    @Override
    public final void run(int part, int parts) {
        int units = out.size() / unit;
        int end = WorkerPool.from(part + 1, parts, units);
        if (inPlace()) {
            inPlace(WorkerPool.from(part, parts, units), end);
            return;
        }
        int chunkUnits = Math.max(1, CHUNK / unit);
        for (int first = WorkerPool.from(part, parts, units); first < end; first += chunkUnits) {
            int from = first * unit;
            int length = (Math.min(end, first + chunkUnits) - first) * unit;
            chunk(work[part], from, length);
        }
    }

    /** Whether this operation runs in place on the Vector API ({@link DirectLoops}). */
    final boolean inPlace() {
        return vectorLoops && (op == Op.ADAM || op == Op.MOMENTUM || op == Op.ADD_ROW_VECTOR
                || kind == ActivationKind.RELU && (op == Op.ACTIVATION || op == Op.ACTIVATION_BACKWARD
                        || op == Op.BIAS_ACTIVATION));
    }

    /** Makes {@code m}'s buffer view of this dtype. */
    abstract void view(Nd4jMatrix m);

    /** The operation on units {@code from .. to} (elements, or rows for the bias), in ND4J's memory. */
    abstract void inPlace(int from, int to);

    /** The operation on elements {@code from .. from + length}, through work arrays {@code w}. */
    abstract void chunk(HostArrays w, int from, int length);
}
