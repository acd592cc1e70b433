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
    void classWeightsGivePyTorchsWeightedCrossEntropy() {
        double[] logits = {1, -2, 0.5, 0.3, 0.2, -1, 2.5, 0, 1, -0.5, 1.5, 0.25, 0, 0, 3};
        double[] onehot = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0};
        // torch.nn.functional.cross_entropy(o, [0, 1, 2, 1, 0], weight=[0.2, 1, 3]) and o.grad (PyTorch 1.13, float64).
        double expected = 1.3424216479842466;
        double[] grad = {-0.014675966809310154, 0.0011132921322064453, 0.01356267467710371, 0.08504996958884344,
            -0.1082287902983792, 0.023178820709535745, 0.4256428925313013, 0.034938896247704174, -0.4605817887790054,
            0.017626517805402774, -0.054941856292264085, 0.037315338486861284, -0.03536005552801374,
            0.0016769815090232985, 0.03368307401899044};
        for (DType dtype : DType.values()) {
            double tolerance = dtype == DType.FLOAT64 ? 1e-14 : 1e-6;
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy(backend, new double[] {0.2, 1, 3});
            Matrix o = matrix(dtype, 5, 3, logits);
            Matrix y = matrix(dtype, 5, 3, onehot);
            assertEquals(expected, ce.forward(o, y), tolerance, dtype.label());
            assertArrayEquals(grad, backend.toArray(ce.backward(o, y)), tolerance, dtype.label());
            Matrix out = backend.zeros(dtype, 5, 3);
            assertEquals(expected, ce.forwardBackward(o, y, out), tolerance, dtype.label());
            assertArrayEquals(grad, backend.toArray(out), tolerance, dtype.label());
        }
        // Equal weights are no weights.
        Matrix o = matrix(DType.FLOAT64, 5, 3, logits);
        Matrix y = matrix(DType.FLOAT64, 5, 3, onehot);
        assertEquals(new SoftmaxCrossEntropy(backend).forward(o, y),
                new SoftmaxCrossEntropy(backend, new double[] {2, 2, 2}).forward(o, y), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(backend, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(backend, new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy(backend, new double[] {1, 1}).forward(o, y));
    }

    @Test
    void l1AndSmoothL1ArePyTorchs() {
        double[] p = {0.5, -2, 3, 1, 0.25, -0.75};
        double[] y = {0, 1, 3, -1.5, 0.5, 0.1};
        // torch.nn.L1Loss() and SmoothL1Loss() of p against y and p.grad (PyTorch 1.13, float64): differences
        // below 1, above 1 and of 0 (a gradient of 0).
        double[] l1Grad = {1 / 6.0, -1 / 6.0, 0, 1 / 6.0, -1 / 6.0, -1 / 6.0};
        double[] smoothGrad = {0.08333333333333333, -0.16666666666666666, 0.0, 0.16666666666666666,
            -0.041666666666666664, -0.14166666666666666};
        for (DType dtype : DType.values()) {
            double tolerance = dtype == DType.FLOAT64 ? 1e-15 : 1e-6;
            Matrix pm = matrix(dtype, 2, 3, p);
            Matrix ym = matrix(dtype, 2, 3, y);
            AbsoluteError l1 = new AbsoluteError(backend, false);
            assertEquals(1.1833333333333333, l1.forward(pm, ym), tolerance, dtype.label());
            assertArrayEquals(l1Grad, backend.toArray(l1.backward(pm, ym)), tolerance, dtype.label());
            AbsoluteError smooth = new AbsoluteError(backend, true);
            assertEquals(0.83625, smooth.forward(pm, ym), tolerance, dtype.label());
            assertArrayEquals(smoothGrad, backend.toArray(smooth.backward(pm, ym)), tolerance, dtype.label());
            Matrix out = backend.zeros(dtype, 2, 3);
            assertEquals(0.83625, smooth.forwardBackward(pm, ym, out), tolerance, dtype.label());
            assertArrayEquals(smoothGrad, backend.toArray(out), tolerance, dtype.label());
            // The inputs are left as they were.
            assertArrayEquals(p, backend.toArray(pm), tolerance);
        }
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
