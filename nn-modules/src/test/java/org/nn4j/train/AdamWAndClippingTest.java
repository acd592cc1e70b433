package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.io.InvalidInputException;

/**
 * AdamW and global gradient-norm clipping against PyTorch 1.13 in float64: three steps of {@code
 * torch.optim.AdamW} and of {@code clip_grad_norm_} before {@code step()}, on two parameters with given
 * gradients (the script that computed the values is in the comments).
 */
class AdamWAndClippingTest {
    // import torch; torch.set_default_dtype(torch.float64)
    // parameters P1, P2; for each step: p.grad = G; [clip_grad_norm_([a, b], c)]; opt.step()
    private static final double[] P1 = {0.5, -1.25, 2.0, 0.75, -0.5, 1.5};
    private static final double[] P2 = {-0.3, 0.9};
    private static final double[][][] GRADS = {
        {{1.5, -2.0, 0.25, 3.0, -0.75, 0.5}, {4.0, -1.0}},
        {{-0.5, 1.0, 2.5, 0.1, 0.2, -3.0}, {0.3, 2.0}},
        {{0.05, -0.02, 0.01, 0.02, 0.0, -0.01}, {0.01, -0.03}}};
    /** torch.optim.AdamW(lr=0.1, weight_decay=0.2), no clipping. */
    private static final double[] ADAMW = {0.30239204126877456, -1.0331900014769118, 1.6446073986062042,
        0.48768499519262337, -0.2946915832973471, 1.425331010879215, -0.5054499536395606, 0.879794790516676};
    /** torch.optim.AdamW(lr=0.1) (weight decay 1e-2), gradients clipped to norm 1. */
    private static final double[] ADAMW_CLIPPED = {0.32990548768820793, -1.1136580796961364, 1.7522668071938774,
        0.5213476744706895, -0.3284400432690464, 1.51191438044393, -0.5304912307578095, 0.9221246773737383};
    /** torch.optim.SGD(lr=0.1, momentum=0.9), gradients clipped to norm 2. */
    private static final double[] SGD_CLIPPED = {0.3955635800418846, -1.1432990459525414, 1.766349984307593,
        0.45712006062467503, -0.446099649136438, 1.7048425101358706, -0.7027803887821142, 0.829886250488601};
    /** What clip_grad_norm_ returned: the norm before clipping, at each step. */
    private static final double[] NORMS = {5.755432216610669, 4.5431266766402185, 0.0670820393249937};

    private final Backend backend = Backends.select("ejml");

    private double[] train(String optimizer, double learningRate, Map<String, ?> options, double[] norms) {
        Matrix a = backend.fromArray(DType.FLOAT64, 2, 3, P1);
        Matrix b = backend.fromArray(DType.FLOAT64, 1, 2, P2);
        Optimizer opt = Optimizers.builtIn().create(optimizer, backend, List.of(a, b), learningRate, options);
        Matrix ga = backend.zeros(DType.FLOAT64, 2, 3);
        Matrix gb = backend.zeros(DType.FLOAT64, 1, 2);
        for (int step = 0; step < GRADS.length; step++) {
            backend.copyIn(GRADS[step][0], ga);
            backend.copyIn(GRADS[step][1], gb);
            opt.step(List.of(ga, gb));
            if (norms != null) {
                norms[step] = opt.lastGradNorm();
            }
        }
        double[] out = new double[8];
        System.arraycopy(backend.toArray(a), 0, out, 0, 6);
        System.arraycopy(backend.toArray(b), 0, out, 6, 2);
        return out;
    }

    private static void assertClose(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), "value " + i);
        }
    }

    @Test
    void adamwDecaysEachParameterBeforeTheAdamUpdateAsPyTorch() {
        assertClose(ADAMW, train("adamw", 0.1, Map.of("weight_decay", 0.2), null));
        Optimizer adamw = Optimizers.builtIn().create("adamw", backend, List.of(backend.zeros(DType.FLOAT64, 1, 1)),
                null, Map.of());
        assertEquals("adamw", adamw.name());
        assertEquals(1e-3, adamw.learningRate());
        assertEquals(Map.of("beta1", 0.9, "beta2", 0.999, "epsilon", 1e-8, "weight_decay", 0.01), adamw.settings());
    }

    @Test
    void clippingScalesAllGradientsTogetherAsClipGradNorm() {
        double[] norms = new double[3];
        assertClose(ADAMW_CLIPPED, train("adamw", 0.1, Map.of("clip_grad_norm", 1.0), norms));
        assertClose(NORMS, norms);
        assertClose(SGD_CLIPPED, train("sgd", 0.1, Map.of("momentum", 0.9, "clip_grad_norm", 2), norms));
        assertClose(NORMS, norms);
    }

    @Test
    void aClippedRunRecordsItsLimitForResuming() {
        Optimizer sgd = Optimizers.builtIn().create("sgd", backend, List.of(backend.zeros(DType.FLOAT64, 1, 1)),
                null, Map.of("clip_grad_norm", 2.5));
        assertEquals(2.5, sgd.maxGradNorm());
        Map<String, Object> described = Checkpoints.describe(sgd, 0.05,
                new TrainingConfig(1, 1, 1, 0, LearningRateSchedule.constant()), TrainingHistory.empty(), Map.of());
        com.fasterxml.jackson.databind.JsonNode training = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(described);
        assertEquals(2.5, training.path("optimizer").path("clip_grad_norm").asDouble());
        Optimizer restored = Checkpoints.restoreOptimizer("run.safetensors", training, backend, List.of(
                backend.zeros(DType.FLOAT64, 1, 1)), Map.of("velocity", List.of(new double[1])));
        assertEquals(2.5, restored.maxGradNorm());
        assertEquals("sgd", restored.name());
    }

    @Test
    void aLimitThatIsNegativeOrNotFiniteIsRefusedNamingIt() {
        assertEquals("--clip-grad-norm: the gradient norm limit must be zero (none) or a positive finite number, not"
                + " -1.0", assertThrows(InvalidInputException.class, () -> Optimizers.builtIn().check("adam", null,
                        Map.of("clip_grad_norm", -1), k -> "--" + k.replace('_', '-'))).getMessage());
        assertEquals("clip_grad_norm: the gradient norm limit must be zero (none) or a positive finite number, not"
                + " NaN", assertThrows(InvalidInputException.class, () -> Optimizers.builtIn().check("sgd", null,
                        Map.of("clip_grad_norm", Double.NaN), UnaryOperator.identity())).getMessage());
    }
}
