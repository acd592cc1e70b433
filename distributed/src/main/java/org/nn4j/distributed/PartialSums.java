package org.nn4j.distributed;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * What a partition sends back and the driver adds up, in partition order: arrays summed over the
 * partition's examples, each weighted by them (a synchronous step's gradients and buffers; an averaging round's
 * parameters, buffers and optimizer state), the loss summed over the examples, and their count. The
 * sums travel in the model's dtype: float64 for a float64 model, so that Spark's weights equal one
 * machine's, float32 for a float32 one, at half the bytes. A partition without examples sends an empty
 * one.
 */
final class PartialSums implements Serializable {
    private static final long serialVersionUID = 2L;

    // Written by writeObject as raw bytes (see RawArrays).
    transient double[][] sums64;
    transient float[][] sums32;
    double lossSum;
    int count;
    /** The longest a partition computed (its steps, not Spark's work around them), in nanoseconds. */
    long computeNanos;
    /** The bytes of the partitions' sums before they were added up. */
    long resultBytes;

    private PartialSums() {
    }

    static PartialSums empty() {
        return new PartialSums();
    }

    /**
     * {@code matrices} times {@code count} (so that the sum over partitions divided by the total
     * count is their average weighted by examples), in {@code dtype}.
     */
    static PartialSums weighted(Backend backend, DType dtype, List<Matrix> matrices, double lossSum, int count) {
        return dtype == DType.FLOAT64 ? of64(Arrays64.copies(backend, matrices, count), lossSum, count)
                : of32(Arrays32.copies(backend, matrices, count), lossSum, count);
    }

    static PartialSums of64(double[][] sums, double lossSum, int count) {
        PartialSums s = new PartialSums();
        s.sums64 = sums;
        s.lossSum = lossSum;
        s.count = count;
        s.resultBytes = s.bytes();
        return s;
    }

    static PartialSums of32(float[][] sums, double lossSum, int count) {
        PartialSums s = new PartialSums();
        s.sums32 = sums;
        s.lossSum = lossSum;
        s.count = count;
        s.resultBytes = s.bytes();
        return s;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        RawArrays64.writeDoubles(out, sums64);
        RawArrays32.writeFloats(out, sums32);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        sums64 = RawArrays64.readDoubles(in);
        sums32 = RawArrays32.readFloats(in);
    }

    /** Adds {@code other} into this one and returns the sum (either of them). */
    PartialSums add(PartialSums other) {
        long longest = Math.max(computeNanos, other.computeNanos);
        if (other.count == 0) {
            computeNanos = longest;
            return this;
        }
        if (count == 0) {
            other.computeNanos = longest;
            return other;
        }
        computeNanos = longest;
        if (sums64 != null) {
            Arrays64.add(sums64, other.sums64);
        } else {
            Arrays32.add(sums32, other.sums32);
        }
        lossSum += other.lossSum;
        count += other.count;
        resultBytes += other.resultBytes;
        return this;
    }

    /** Writes sum {@code i} divided by the count into {@code target} (this sum is spent). */
    void meanInto(int i, Backend backend, Matrix target) {
        if (sums64 != null) {
            Arrays64.meanInto(sums64[i], count, backend, target);
        } else {
            Arrays32.meanInto(sums32[i], count, backend, target);
        }
    }

    /** How many arrays are summed. */
    int parts() {
        return sums64 != null ? sums64.length : sums32.length;
    }

    /** The bytes of the sums. */
    long bytes() {
        return sums64 != null ? Arrays64.bytes(sums64) : sums32 != null ? Arrays32.bytes(sums32) : 0;
    }
}
