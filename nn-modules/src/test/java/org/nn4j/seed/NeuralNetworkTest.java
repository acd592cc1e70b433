package org.nn4j.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.WeightInit;

class NeuralNetworkTest {
    private final Backend backend = Backends.select("ejml");

    private NeuralNetwork.Builder builder() {
        return NeuralNetwork.builder(backend).dtype(DType.FLOAT64).inputSize(3).hiddenSizes(4).outputSize(2);
    }

    @Test
    void theBuilderNamesASizeThatIsNotPositive() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> builder().hiddenSizes(4, 0).build());
        assertEquals("the hidden size 2 must be at least 1, not 0", error.getMessage());
        error = assertThrows(IllegalArgumentException.class, () -> builder().inputSize(-1).build());
        assertEquals("the input size must be at least 1, not -1", error.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        double[] first = backend.toArray(builder().seed(5).build().layers().get(0).weights());
        double[] again = backend.toArray(builder().seed(5).build().layers().get(0).weights());
        double[] other = backend.toArray(builder().seed(6).build().layers().get(0).weights());
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
    }

    @Test
    void weightInitialisationsHaveTheirStatedSpread() {
        int fanIn = 400;
        int fanOut = 300;
        double[] he = WeightInit.HE.sample(fanIn, fanOut, new Random(1));
        assertEquals(Math.sqrt(2.0 / fanIn), standardDeviation(he), 0.01 * Math.sqrt(2.0 / fanIn));
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        double[] xavier = WeightInit.XAVIER.sample(fanIn, fanOut, new Random(1));
        assertTrue(Arrays.stream(xavier).allMatch(w -> Math.abs(w) <= limit));
        assertEquals(limit / Math.sqrt(3), standardDeviation(xavier), 0.01 * limit);
        assertEquals(1, standardDeviation(WeightInit.RANDN.sample(fanIn, fanOut, new Random(1))), 0.01);
        assertEquals(WeightInit.HE, WeightInit.defaultFor(ActivationKind.RELU));
        assertEquals(WeightInit.XAVIER, WeightInit.defaultFor(ActivationKind.TANH));
    }

    @Test
    void forwardNamesAnInputOfTheWrongWidth() {
        NeuralNetwork network = builder().build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> network.forward(backend.zeros(DType.FLOAT64, 2, 5)));
        assertEquals("the network takes float64 input of 3 columns, not float64 2x5", error.getMessage());
    }

    @Test
    void backwardNeedsAForwardPassAndAGradientOfTheOutputsShape() {
        NeuralNetwork network = builder().build();
        assertThrows(IllegalStateException.class, () -> network.backward(backend.zeros(DType.FLOAT64, 1, 2)));
        network.forward(backend.zeros(DType.FLOAT64, 4, 3));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> network.backward(backend.zeros(DType.FLOAT64, 3, 2)));
        assertEquals("the gradient of the output must be float64 4x2, not float64 3x2", error.getMessage());
    }

    @Test
    void aChangeOfBatchSizeGivesBuffersOfTheNewSize() {
        NeuralNetwork network = builder().build();
        Matrix small = network.forward(backend.fromArray(DType.FLOAT64, 1, 3, new double[] {1, 2, 3}));
        double[] single = backend.toArray(small);
        Matrix batch = network.forward(backend.fromArray(DType.FLOAT64, 2, 3, new double[] {1, 2, 3, 1, 2, 3}));
        assertEquals(2, batch.rows());
        double[] both = backend.toArray(batch);
        assertArrayEquals(single, Arrays.copyOfRange(both, 0, 2));
        assertArrayEquals(single, Arrays.copyOfRange(both, 2, 4));
    }

    private static double standardDeviation(double[] values) {
        double mean = Arrays.stream(values).average().orElseThrow();
        return Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);
    }
}
