package org.nn4j.distributed;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;

/**
 * {@link RawArrays} of float64 arrays; {@code RawArrays32} is generated from this source at build time.
 */
final class RawArrays64 {

    private RawArrays64() {
    }

    /** Writes {@code arrays} (may be null) as a count, then each array's length and raw bytes. */
    static void writeDoubles(ObjectOutputStream out, double[][] arrays) throws IOException {
        out.writeInt(arrays == null ? -1 : arrays.length);
        ByteBuffer bytes = RawArrays.chunk();
        for (int i = 0; arrays != null && i < arrays.length; i++) {
            double[] a = arrays[i];
            out.writeInt(a.length);
            RawArrays.write(out, bytes, a.length, Double.BYTES, (b, from, n) -> b.asDoubleBuffer().put(a, from, n));
        }
    }

    /** Reads what {@link #writeDoubles} wrote. */
    static double[][] readDoubles(ObjectInputStream in) throws IOException {
        int count = in.readInt();
        double[][] arrays = count < 0 ? null : new double[count][];
        ByteBuffer bytes = RawArrays.chunk();
        for (int i = 0; i < count; i++) {
            double[] a = new double[in.readInt()];
            RawArrays.read(in, bytes, a.length, Double.BYTES, (b, from, n) -> b.asDoubleBuffer().get(a, from, n));
            arrays[i] = a;
        }
        return arrays;
    }
}
