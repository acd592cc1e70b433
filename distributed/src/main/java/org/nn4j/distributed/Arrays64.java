package org.nn4j.distributed;

import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * The arithmetic of {@link ModelState} and {@link PartialSums} on float64 arrays; {@code Arrays32} is
 * generated from this source at build time.
 */
final class Arrays64 {

    private Arrays64() {
    }

    /** Copies of {@code matrices}' values, each value times {@code weight}. */
    static double[][] copies(Backend backend, List<Matrix> matrices, int weight) {
        double[][] values = new double[matrices.size()][];
        for (int i = 0; i < values.length; i++) {
            double[] v = new double[matrices.get(i).size()];
            backend.copyOut(matrices.get(i), v);
            if (weight != 1) {
                for (int j = 0; j < v.length; j++) {
                    v[j] *= weight;
                }
            }
            values[i] = v;
        }
        return values;
    }

    /** Adds {@code from} into {@code into}, array by array. */
    static void add(double[][] into, double[][] from) {
        for (int i = 0; i < into.length; i++) {
            double[] a = into[i];
            double[] b = from[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
    }

    /** Divides {@code values} by {@code count} (in place) and writes them into {@code target}. */
    static void meanInto(double[] values, int count, Backend backend, Matrix target) {
        for (int j = 0; j < values.length; j++) {
            values[j] /= count;
        }
        backend.copyIn(values, target);
    }

    /** Writes each of {@code values} into the matrix of {@code matrices} at its place. */
    static void copyInto(double[][] values, Backend backend, List<Matrix> matrices) {
        for (int i = 0; i < matrices.size(); i++) {
            backend.copyIn(values[i], matrices.get(i));
        }
    }

    /** The bytes of {@code arrays}. */
    static long bytes(double[][] arrays) {
        long bytes = 0;
        for (double[] a : arrays) {
            bytes += (long) Double.BYTES * a.length;
        }
        return bytes;
    }
}
