package org.nn4j.nn.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

class LossTest {
    private final Backend backend = Backends.select("ejml");

    private Matrix matrix(DType dtype, int rows, int cols, double... values) {
        return backend.fromArray(dtype, rows, cols, values);
    }

    @Test
    void meanSquaredErrorAveragesOverEveryElementOfTheBatch() {
        MeanSquaredError mse = new MeanSquaredError(backend);
        Matrix p = matrix(DType.FLOAT64, 2, 2, 1, 2, 3, 4);
        Matrix y = matrix(DType.FLOAT64, 2, 2, 0, 0, 0, 8);
        // 0.5 * (1 + 4 + 9 + 16) / 4
        assertEquals(3.75, mse.forward(p, y));
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, -1.0}, backend.toArray(mse.backward(p, y)));
    }

    @Test
    void softmaxCrossEntropyOfKnownLogits() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(backend);
        Matrix logits = matrix(DType.FLOAT64, 2, 2, 0, 0, Math.log(3), 0);
        Matrix y = matrix(DType.FLOAT64, 2, 2, 1, 0, 0, 1);
        // rows: -log(1/2) and -log(1/4), averaged
        assertEquals((Math.log(2) + Math.log(4)) / 2, ce.forward(logits, y), 1e-15);
        assertArrayEquals(new double[] {-0.25, 0.25, 0.375, -0.375}, backend.toArray(ce.backward(logits, y)), 1e-15);
    }

    @Test
    void softmaxCrossEntropyIsFiniteForLogitsOfTenThousand() {
        for (DType dtype : DType.values()) {
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(backend);
            Matrix logits = matrix(dtype, 2, 3, 1e4, -1e4, 0, -1e4, 1e4, 1e4);
            Matrix y = matrix(dtype, 2, 3, 0, 1, 0, 0, 1, 0);
            // Row 1 misses by 2e4; row 2 splits its mass over two equal logits: log 2.
            double relative = dtype == DType.FLOAT64 ? 1e-12 : 1e-6;
            assertEquals((2e4 + Math.log(2)) / 2, ce.forward(logits, y), relative * 2e4, dtype.label());
            double[] grad = backend.toArray(ce.backward(logits, y));
            assertArrayEquals(new double[] {0.5, -0.5, 0, 0, -0.25, 0.25}, grad, 1e-7, dtype.label());
        }
    }

    @Test
    void lossesNameMismatchedShapes() {
        Matrix p = matrix(DType.FLOAT64, 2, 2, 1, 2, 3, 4);
        Matrix y = matrix(DType.FLOAT64, 2, 1, 1, 0);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new MeanSquaredError(backend).forward(p, y));
        assertEquals("mse: prediction is float64 2x2 but target is float64 2x1", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(backend).backward(p, y));
        assertTrue(error.getMessage().startsWith("softmax_cross_entropy: prediction is"), error.getMessage());
    }
}
