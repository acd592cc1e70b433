package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.seed.NeuralNetwork;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;

/** An evaluation costs what its data holds: a confusion matrix of the cells that are not 0, batches sized to the classes. */
class EvaluationTest {
    private final Backend backend = Backends.select("ejml");

    @Test
    void aHundredThousandClassesCostWhatTheExamplesHoldNotClassesSquared() {
        int classes = 100_000;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        int n = 40;
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i % 2;
            x[2 * i + 1] = 1;
            y[i] = i % 2 == 0 ? 0 : classes - 1;
        }
        Dataset data = new Dataset(x, y, 2, names, "wide.csv");
        NeuralNetwork net = NeuralNetwork.builder(backend).dtype(DType.FLOAT32).inputSize(2).hiddenSizes(4)
                .outputSize(classes).activation(ActivationKind.TANH).seed(3).build();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        Evaluation e = Evaluation.of(net.model(), new SoftmaxCrossEntropy(backend), data);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // A dense matrix would be 40 GB; 1000 examples a batch, 400 MB an output; this is about 30 MB.
        assertTrue(allocated < 64L << 20, allocated + " bytes allocated");
        assertTrue(e.confusion().size() <= 4, e.confusion().toString());
        int[] perClass = e.examplesPerClass();
        assertEquals(20, perClass[0]);
        assertEquals(20, perClass[classes - 1]);
        int counted = 0;
        int right = 0;
        for (Evaluation.Cell cell : e.confusion()) {
            counted += cell.count();
            right += cell.truth() == cell.predicted() ? cell.count() : 0;
            assertEquals(cell.count(), e.count(cell.truth(), cell.predicted()));
        }
        assertEquals(n, counted);
        assertEquals((double) right / n, e.accuracy(), 1e-12);
        assertEquals(0, e.count(5, 7));
        assertTrue(Double.isNaN(e.perClassAccuracy()[5]));
        assertTrue(Double.isFinite(e.loss()));
    }

    @Test
    void theConfusionMatrixCountsEachPairOfClasses() {
        // A network whose output is its input: the class is the larger of the two features.
        Dataset data = new Dataset(new float[] {1, 0, 0, 1, 1, 0, 0, 1, 1, 0}, new int[] {0, 1, 1, 1, 0}, 2,
                List.of("a", "b"), "pairs");
        NeuralNetwork net = NeuralNetwork.builder(backend).dtype(DType.FLOAT64).inputSize(2).outputSize(2)
                .activation(ActivationKind.TANH).seed(1).build();
        net.parameters().forEach(p -> backend.copyIn(new float[p.rows() * p.cols()], p));
        backend.copyIn(new float[] {1, 0, 0, 1}, net.parameters().get(0));
        Evaluation e = Evaluation.of(net.model(), new SoftmaxCrossEntropy(backend), data);
        assertEquals(List.of(new Evaluation.Cell(0, 0, 2), new Evaluation.Cell(1, 0, 1), new Evaluation.Cell(1, 1, 2)),
                e.confusion());
        assertEquals(0.8, e.accuracy(), 1e-12);
        assertArrayEquals(new double[] {1, 2.0 / 3}, e.perClassAccuracy(), 1e-12);
    }
}
