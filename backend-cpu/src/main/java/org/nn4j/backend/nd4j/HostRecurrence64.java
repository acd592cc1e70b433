package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.nd4j.linalg.factory.Nd4j;
import org.nn4j.api.DType;
import org.nn4j.api.RecurrentCell;
import org.nn4j.backend.host.RecurrentKernels64;
import org.nn4j.backend.host.WorkerPool;

/** {@link HostRecurrence} on float64 matrices; {@code HostRecurrence32} is generated from this source at build time. */
final class HostRecurrence64 extends HostRecurrence implements RecurrentKernels64.Products {
    private final Nd4jBackend backend;
    private final SplitCopy64 copy;
    /** Products on OpenBLAS, one call per band of rows and step (the host path); else plain loops. */
    private final boolean blas;
    private final int parts;
    private final RecurrentKernels64.PlainProducts plain = new RecurrentKernels64.PlainProducts();
    private final RecurrentKernels64 kernels;
    /** A step's products, {@code h W_hh^T} and {@code dGates W_hh}. */
    private final BlasCalls64 hiddenCalls = new BlasCalls64();
    private final BlasCalls64 hiddenGradCalls = new BlasCalls64();
    private double[] projections = new double[0];
    private double[] outputs = new double[0];
    private double[] cached = new double[0];
    private double[] grads = new double[0];
    private double[] bias = new double[0];
    private double[] weights = new double[0];
    private double[] weightGrads = new double[0];
    private double[] state = new double[0];
    private double[] cellGrad = new double[0];
    private double[] gates = new double[0];
    /** Row {@code e * T + t}, as the projections: the hidden products' gradients (a GRU's) and the previous states. */
    private double[] gatesAll = new double[0];
    private double[] previousAll = new double[0];
    /** The operands of a step's products in nd4j-native's memory, made per shape and kept. */
    private Nd4jMatrix stateMatrix;
    private Nd4jMatrix gatesMatrix;
    private Nd4jMatrix gatesAllMatrix;
    private Nd4jMatrix previousAllMatrix;

    /** On {@code pool}'s threads (null: the calling thread), products by OpenBLAS when {@code blas}. */
    HostRecurrence64(Nd4jBackend backend, boolean blas, WorkerPool pool) {
        this.backend = backend;
        this.blas = blas;
        this.parts = pool == null ? 1 : pool.parts();
        this.copy = new SplitCopy64(blas ? pool : null);
        this.kernels = new RecurrentKernels64(pool);
    }

    private static double[] grown(double[] array, int length) {
        return array.length >= length ? array : new double[Math.max(length, 2 * array.length)];
    }

    /** {@code m} if it is {@code rows x cols}, else a new matrix of that shape. */
    private static Nd4jMatrix shaped(Nd4jMatrix m, int rows, int cols) {
        if (m != null && m.rows() == rows && m.cols() == cols) {
            return m;
        }
        Nd4jMatrix made = new Nd4jMatrix(Nd4j.create(Nd4jBackend.dataType(DType.FLOAT64), rows, cols), DType.FLOAT64);
        made.doubles();
        return made;
    }

    private double[] read(Nd4jMatrix m, double[] array) {
        double[] values = grown(array, m.size());
        if (!copy.get(m, values)) {
            backend.getDoubles(m, values);
        }
        return values;
    }

    private void write(Nd4jMatrix m, double[] values) {
        if (!copy.put(m, values)) {
            backend.putDoubles(m, values);
        }
    }

    private void prepare(Nd4jMatrix weightHh, int n) {
        int h = weightHh.cols();
        int g = weightHh.rows();
        state = grown(state, n * h);
        cellGrad = grown(cellGrad, n * h);
        gates = grown(gates, n * g);
        if (blas) {
            stateMatrix = shaped(stateMatrix, n, h);
            gatesMatrix = shaped(gatesMatrix, n, g);
        } else {
            weights = read(weightHh, weights);
            plain.set(weights, g, h);
        }
    }

    @Override
    void forward(RecurrentCell cell, Nd4jMatrix proj, Nd4jMatrix weightHh, Nd4jMatrix biasHh, int[] lengths,
            boolean reverse, int steps, Nd4jMatrix out, Nd4jMatrix cache) {
        int n = out.rows();
        int h = weightHh.cols();
        int g = weightHh.rows();
        prepare(weightHh, n);
        if (blas) {
            hiddenCalls.set(false, true, 1, stateMatrix, weightHh, 0, gatesMatrix, parts);
        }
        projections = read(proj, projections);
        if (biasHh != null) {
            bias = read(biasHh, bias);
        }
        // Of a bidirectional layer's outputs, the other direction's half stays: read them first.
        outputs = out.cols() == steps * h ? grown(outputs, out.size()) : read(out, outputs);
        cached = blas ? ownCache(cache) : grown(cached, cache.size());
        kernels.forward(cell, projections, biasHh == null ? null : bias, lengths, reverse, n, steps, h,
                out.cols() / (steps * h), outputs, cached, state, gates, blas ? this : plain);
        write(out, outputs);
        if (!blas) {
            write(cache, cached);
        }
    }

    /**
     * The host path's cache: the values stay in a host array tied to the matrix ({@link
     * Nd4jMatrix#recurrenceCache}) between the passes, sparing two copies of the largest array of the pass.
     */
    private static double[] ownCache(Nd4jMatrix cache) {
        if (cache.recurrenceCache instanceof double[] values && values.length >= cache.size()) {
            return values;
        }
        double[] values = new double[cache.size()];
        cache.recurrenceCache = values;
        return values;
    }

    @Override
    void backward(RecurrentCell cell, Nd4jMatrix weightHh, int[] lengths, boolean reverse, int steps, Nd4jMatrix out,
            Nd4jMatrix cache, Nd4jMatrix outGrad, Nd4jMatrix projectionsGrad, Nd4jMatrix weightHhGrad,
            Nd4jMatrix biasHhGrad) {
        int n = out.rows();
        int h = weightHh.cols();
        int g = weightHh.rows();
        boolean ownGrads = !cell.addsHiddenToProjections();
        prepare(weightHh, n);
        if (blas) {
            hiddenGradCalls.set(false, false, 1, gatesMatrix, weightHh, 1, stateMatrix, parts);
        }
        outputs = read(out, outputs);
        if (!blas) {
            cached = read(cache, cached);
        } else if (cache.recurrenceCache instanceof double[]) {
            cached = (double[]) cache.recurrenceCache;
        } else {
            throw new IllegalArgumentException("recurrentBackward: the cache matrix was not written by recurrentForward"
                    + " on this backend");
        }
        grads = read(outGrad, grads);
        projections = grown(projections, projectionsGrad.size());
        gatesAll = ownGrads ? grown(gatesAll, n * steps * g) : gatesAll;
        previousAll = grown(previousAll, n * steps * h);
        kernels.backward(cell, outputs, cached, grads, lengths, reverse, n, steps, h, out.cols() / (steps * h),
                projections, state, cellGrad, gates, gatesAll, previousAll, blas ? this : plain);
        write(projectionsGrad, projections);
        if (!blas) {
            weightGrads = grown(weightGrads, g * h);
            bias = grown(bias, g);
            RecurrentKernels64.PlainProducts.parameterGrads(ownGrads ? gatesAll : projections, previousAll, n * steps,
                    g, h, weightGrads, biasHhGrad == null ? null : bias);
            backend.putDoubles(weightHhGrad, weightGrads);
            if (biasHhGrad != null) {
                backend.putDoubles(biasHhGrad, bias);
            }
            return;
        }
        Nd4jMatrix hiddenGrads = projectionsGrad;
        if (ownGrads) {
            gatesAllMatrix = shaped(gatesAllMatrix, n * steps, g);
            write(gatesAllMatrix, gatesAll);
            hiddenGrads = gatesAllMatrix;
        }
        previousAllMatrix = shaped(previousAllMatrix, n * steps, h);
        write(previousAllMatrix, previousAll);
        backend.product(true, false, 1, hiddenGrads, previousAllMatrix, 0, weightHhGrad);
        if (biasHhGrad != null) {
            backend.columnSums(hiddenGrads, biasHhGrad);
        }
    }

    @Override
    public void hidden(int part, double[] h, int from, int to, double[] out) {
        int width = stateMatrix.cols();
        int g = gatesMatrix.cols();
        stateMatrix.doubles().put(from * width, h, from * width, (to - from) * width);
        hiddenCalls.product(part, CblasNoTrans, CblasTrans, to - from, g, width, (long) from * width, 0,
                (long) from * g);
        gatesMatrix.doubles().get(from * g, out, from * g, (to - from) * g);
    }

    @Override
    public void hiddenGrad(int part, double[] dGates, int from, int to, double[] dh) {
        int width = stateMatrix.cols();
        int g = gatesMatrix.cols();
        gatesMatrix.doubles().put(from * g, dGates, from * g, (to - from) * g);
        stateMatrix.doubles().put(from * width, dh, from * width, (to - from) * width);
        hiddenGradCalls.product(part, CblasNoTrans, CblasNoTrans, to - from, width, g, (long) from * g, 0,
                (long) from * width);
        stateMatrix.doubles().get(from * width, dh, from * width, (to - from) * width);
    }
}
