package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.BatchNorm1d;
import org.nn4j.nn.layers.Linear;

/** Sequential as a container: nested names as PyTorch gives them, and the fused step's results. */
class SequentialTest {
    private final Backend backend = Backends.select("ejml");

    @Test
    void nestedContainersNameTheirStateAsPyTorchDoes() {
        Sequential inner = new Sequential(new ActivationLayer(backend, ActivationKind.TANH),
                new Linear(backend, DType.FLOAT64, 4, 3, true), new BatchNorm1d(backend, DType.FLOAT64, 3, 1e-5, 0.1,
                        true));
        Sequential outer = new Sequential(new Linear(backend, DType.FLOAT64, 2, 4, false), inner);
        assertEquals(List.of("0.weight", "1.1.weight", "1.1.bias", "1.2.weight", "1.2.bias"),
                List.copyOf(outer.namedParameters().keySet()));
        assertEquals(List.of("1.2.running_mean", "1.2.running_var"), List.copyOf(outer.namedBuffers().keySet()));
        assertEquals(Shape.of(3), outer.outputShape(Shape.of(2)));
    }

    @Test
    void theFusedLinearAndActivationGiveWhatTheTwoGiveApart() {
        Linear fusedLinear = new Linear(backend, DType.FLOAT64, 3, 5, true);
        Linear plainLinear = new Linear(backend, DType.FLOAT64, 3, 5, true);
        double[] w = new double[15];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sin(i + 1);
        }
        for (Linear l : List.of(fusedLinear, plainLinear)) {
            l.initialize(1);
            backend.copyIn(w, l.weight().value());
            backend.copyIn(new double[] {0.1, -0.2, 0.3, -0.4, 0.5}, l.bias().value());
        }
        Sequential fused = new Sequential(fusedLinear, new ActivationLayer(backend, ActivationKind.RELU));
        // A module in between stops the fusion: the same layers, run one by one.
        Sequential apart = new Sequential(plainLinear, new Sequential(new ActivationLayer(backend, ActivationKind.RELU)));
        Matrix x = backend.fromArray(DType.FLOAT64, 2, 3, new double[] {1, -2, 0.5, 3, 1, -1});
        assertArrayEquals(backend.toArray(apart.forward(x, Pass.eval())), backend.toArray(fused.forward(x, Pass.eval())));
        Matrix grad = backend.fromArray(DType.FLOAT64, 2, 5, new double[] {1, 2, 3, 4, 5, -1, -2, -3, -4, -5});
        assertArrayEquals(backend.toArray(apart.backward(grad, true)), backend.toArray(fused.backward(grad, true)));
        assertArrayEquals(backend.toArray(plainLinear.weight().grad()), backend.toArray(fusedLinear.weight().grad()));
    }
}
