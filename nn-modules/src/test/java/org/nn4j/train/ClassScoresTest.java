package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** Precision, recall, F1 and their means, and top-k accuracy: values worked by hand (scikit-learn's definitions). */
class ClassScoresTest {

    @Test
    void scoresFromAConfusionMatrix() {
        // Class a: 3 examples, predicted a, a, b; class b: 2, predicted b, b; class c: 1, predicted a.
        List<Evaluation.Cell> cells = List.of(new Evaluation.Cell(0, 0, 2), new Evaluation.Cell(0, 1, 1),
                new Evaluation.Cell(1, 1, 2), new Evaluation.Cell(2, 0, 1));
        Evaluation e = new Evaluation(0.5, 4 / 6.0, cells, List.of("a", "b", "c"), null, Double.NaN);
        Evaluation.ClassScores s = e.classScores();
        assertArrayEquals(new double[] {2 / 3.0, 2 / 3.0, 0}, s.precision(), 1e-15);
        assertArrayEquals(new double[] {2 / 3.0, 1, 0}, s.recall(), 1e-15);
        assertArrayEquals(new double[] {2 / 3.0, 0.8, 0}, s.f1(), 1e-15);
        assertArrayEquals(new long[] {3, 2, 1}, s.support());
        assertEquals(4 / 9.0, s.macro(s.precision()), 1e-15);
        assertEquals(5 / 9.0, s.weighted(s.precision()), 1e-15);
        assertEquals((2 / 3.0 + 0.8) / 3, s.macro(s.f1()), 1e-15);
        // The weighted recall is the accuracy.
        assertEquals(e.accuracy(), s.weighted(s.recall()), 1e-15);
    }

    @Test
    void topFiveCountsAClassWithFewerThanFiveOutputsAboveIt() {
        Backend backend = Backends.select("ejml");
        List<String> names = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6");
        Model model = ModuleRegistry.builtIn().build(ModelSpec.builder(1).layer("linear", "out_features", 7)
                .loss("ce").build(), backend, DType.FLOAT64, 1, "m");
        // Every example's outputs are the bias, 7 > 6 > ... > 1: class j has j outputs above it; c1 and c2 tie.
        Map<String, TensorData> state = new HashMap<>(model.stateDict());
        state.put("0.weight", new TensorData(new long[] {7, 1}, new double[7]));
        state.put("0.bias", new TensorData(new long[] {7}, new double[] {7, 6, 6, 4, 3, 2, 1}));
        model.loadStateDict(state);
        Dataset data = new Dataset(new float[6], new int[] {0, 2, 4, 5, 6, 5}, 1, names, "t.csv");
        Evaluation e = Evaluation.of(model, model.loss(), data);
        // c0 (0 above), c2 (1 above: 7; its tie with c1 is not above), c4 (4 above) count; c5 and c6 do not.
        assertEquals(3 / 6.0, e.topKAccuracy(), 1e-15);
        assertEquals(1 / 6.0, e.accuracy(), 1e-15);
    }
}
