package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.backend.ejml.EjmlBackend;

/** What travels between driver and executors comes back bit for bit through Java serialization. */
class RawArraysTest {
    private final Backend backend = new EjmlBackend(1);

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    /** Matrices of one value, of fewer than a chunk's, and of several chunks and a part. */
    private List<Matrix> matrices(DType dtype, Random random) {
        int[][] shapes = {{1, 1}, {3, 5}, {130, 257}};
        Matrix[] all = new Matrix[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            double[] values = new double[shapes[i][0] * shapes[i][1]];
            for (int j = 0; j < values.length; j++) {
                values[j] = random.nextGaussian() * Math.pow(10, random.nextInt(60) - 30);
            }
            all[i] = backend.fromArray(dtype, shapes[i][0], shapes[i][1], values);
        }
        return List.of(all);
    }

    @Test
    void modelStateKeepsEveryBitInBothDtypes() throws Exception {
        for (DType dtype : DType.values()) {
            List<Matrix> sent = matrices(dtype, new Random(3));
            ModelState state = roundTrip(ModelState.of(backend, dtype, sent));
            List<Matrix> received = matrices(dtype, new Random(4));
            state.copyInto(backend, received);
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(backend.toArray(sent.get(i)), backend.toArray(received.get(i)), 0, dtype + " " + i);
            }
            assertEquals(ModelState.bytes(sent, dtype), state.bytes());
        }
    }

    @Test
    void partialSumsKeepEveryBitAndTheirCounts() throws Exception {
        for (DType dtype : DType.values()) {
            List<Matrix> sent = matrices(dtype, new Random(5));
            PartialSums sums = PartialSums.weighted(backend, dtype, sent, 12.5, 7);
            sums.computeNanos = 99;
            PartialSums back = roundTrip(sums);
            assertEquals(12.5, back.lossSum);
            assertEquals(7, back.count);
            assertEquals(99, back.computeNanos);
            assertEquals(sums.resultBytes, back.resultBytes);
            for (int i = 0; i < sent.size(); i++) {
                Matrix mean = backend.zeros(dtype, sent.get(i).rows(), sent.get(i).cols());
                back.meanInto(i, backend, mean);
                double[] expected = backend.toArray(sent.get(i));
                double[] actual = backend.toArray(mean);
                for (int j = 0; j < expected.length; j++) {
                    // Times the count and divided by it again, as the driver does: within an ulp.
                    double ulp = dtype == DType.FLOAT32 ? Math.ulp((float) expected[j]) : Math.ulp(expected[j]);
                    assertEquals(expected[j], actual[j], 2 * ulp, dtype + " " + i + "[" + j + "]");
                }
            }
        }
        PartialSums empty = roundTrip(PartialSums.empty());
        assertEquals(0, empty.count);
        assertNull(empty.sums32);
        assertNull(empty.sums64);
    }
}
