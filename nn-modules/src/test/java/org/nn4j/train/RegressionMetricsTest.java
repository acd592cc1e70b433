package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** MSE, MAE and R² per target: against values worked by hand, and an evaluation against its own loss. */
class RegressionMetricsTest {

    @Test
    void valuesWorkedByHand() {
        // Target 0: y = 1, 2, 3, 4 (mean 2.5, SST 5), p = 1.5, 2, 2, 5: errors 0.5, 0, -1, 1.
        // Target 1: constant y = 7, p = 7 throughout: no R².
        RegressionMetrics.Sums sums = new RegressionMetrics.Sums(2);
        sums.add(new double[] {1.5, 7, 2, 7}, new float[] {1, 7, 2, 7}, 2);
        sums.add(new double[] {2, 7, 5, 7}, new float[] {3, 7, 4, 7}, 2);
        RegressionMetrics m = sums.metrics();
        assertArrayEquals(new double[] {2.25 / 4, 0}, m.mse(), 1e-15);
        assertArrayEquals(new double[] {2.5 / 4, 0}, m.mae(), 1e-15);
        assertEquals(1 - 2.25 / 5, m.r2()[0], 1e-15);
        assertTrue(Double.isNaN(m.r2()[1]));
        assertEquals((2.25 / 4) / 2, m.meanMse(), 1e-15);
    }

    @Test
    void largeTargetsOfSmallSpreadKeepTheirR2() {
        // 1e6 + 0, 1, 2, 3 (SST 5) predicted 1e6 + 0.5, 1, 2, 3: R² 1 - 0.25 / 5.
        RegressionMetrics.Sums sums = new RegressionMetrics.Sums(1);
        sums.add(new double[] {1e6 + 0.5, 1e6 + 1, 1e6 + 2, 1e6 + 3}, new float[] {1e6f, 1e6f + 1, 1e6f + 2, 1e6f + 3}, 4);
        assertEquals(0.95, sums.metrics().r2()[0], 1e-12);
    }

    @Test
    void anEvaluationsErrorsAgreeWithTheLossTheBackendComputes() {
        Backend backend = Backends.select("ejml");
        Model model = ModuleRegistry.builtIn().build(ModelSpec.builder(3).layer("linear", "out_features", 2)
                .loss("mse").build(), backend, DType.FLOAT64, 5, "m");
        int n = 37;
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) random.nextGaussian();
        }
        Dataset data = Dataset.ofTargets(x, y, 3, List.of("a", "b"), "r.csv");
        Evaluation e = Evaluation.of(model, model.loss(), data);
        assertTrue(Double.isNaN(e.accuracy()));
        assertTrue(e.confusion().isEmpty());
        // nn4j's mse is the mean of 0.5 (y - p)² over every output: half the targets' mean MSE.
        assertEquals(e.loss(), 0.5 * e.regression().meanMse(), 1e-12);
        double[] in = new double[x.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = x[i];
        }
        Matrix out = model.forward(backend.fromArray(DType.FLOAT64, n, 3, in), Pass.eval());
        double[] p = backend.toArray(out);
        double absolute = 0;
        for (int i = 0; i < n; i++) {
            absolute += Math.abs(p[2 * i + 1] - y[2 * i + 1]);
        }
        assertEquals(absolute / n, e.regression().mae()[1], 1e-12);
    }
}
