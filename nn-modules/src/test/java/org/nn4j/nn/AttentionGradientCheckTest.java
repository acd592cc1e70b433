package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Central-difference gradient checks (float64) of layernorm, gelu, multihead_attention and
 * transformer_encoder_layer on [T, F] sequences, in both modes, with and without padded keys (a {@link
 * SequenceMask} handed to the network), batches of one and several: the layer between a per-step
 * projection and flatten + linear, under softmax cross-entropy.
 */
class AttentionGradientCheckTest {
    private static final Backend BACKEND = Backends.select("ejml");
    private static final int STEPS = 4;
    private static final int WIDTH = 6;

    static Stream<Arguments> layers() {
        String[] layers = {"{\"type\": \"layernorm\"}", "{\"type\": \"layernorm\", \"elementwise_affine\": false,"
            + " \"eps\": 0.01}", "{\"type\": \"gelu\"}", "{\"type\": \"gelu\", \"approximate\": \"tanh\"}",
            "{\"type\": \"multihead_attention\", \"num_heads\": 1}",
            "{\"type\": \"multihead_attention\", \"num_heads\": 3, \"dropout\": 0.3}",
            "{\"type\": \"multihead_attention\", \"num_heads\": 2, \"bias\": false}",
            "{\"type\": \"transformer_encoder_layer\", \"nhead\": 2, \"dim_feedforward\": 5}",
            "{\"type\": \"transformer_encoder_layer\", \"nhead\": 3, \"dim_feedforward\": 7, \"activation\": \"gelu\","
                + " \"dropout\": 0.25, \"norm_first\": true}",
            "{\"type\": \"transformer_encoder_layer\", \"nhead\": 1, \"dim_feedforward\": 4, \"dropout\": 0,"
                + " \"norm_first\": true, \"layer_norm_eps\": 0.001}"};
        List<Arguments> cases = new ArrayList<>();
        for (String layer : layers) {
            for (Mode mode : Mode.values()) {
                for (int n : new int[] {1, 3}) {
                    for (boolean masked : new boolean[] {false, true}) {
                        cases.add(Arguments.of(layer, mode, n, masked));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} n={2} masked={3}")
    @MethodSource("layers")
    void analyticGradientsMatchCentralDifferences(String layer, Mode mode, int n, boolean masked) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<ObjectNode> layers = List.of((ObjectNode) new ObjectMapper().readTree(layer),
                f.objectNode().put("type", "flatten"), f.objectNode().put("type", "linear").put("out_features", 3));
        ModelSpec spec = new ModelSpec(Shape.of(STEPS, WIDTH), layers, "softmax_cross_entropy");
        Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 7, "check");
        if (masked) {
            SequenceMask mask = new SequenceMask(STEPS);
            int[] lengths = n == 1 ? new int[] {2} : new int[] {STEPS, 1, 3};
            mask.set(lengths, n);
            model.network().propagateMask(mask);
        }
        SplittableRandom random = new SplittableRandom(layer.hashCode() * 31L + mode.ordinal() * 7 + n + (masked ? 1 : 0));
        // Weights away from their initial values (norms at 1 and 0 hide a wrong gradient).
        model.parameters().forEach((name, p) -> {
            double[] values = BACKEND.toArray(p.value());
            for (int i = 0; i < values.length; i++) {
                values[i] += random.nextDouble(-0.3, 0.3);
            }
            BACKEND.copyIn(values, p.value());
        });
        assertGradientsMatch(model, n, mode, random);
    }

    /** The input's and every parameter's analytic gradients against central differences. */
    static void assertGradientsMatch(Model model, int n, Mode mode, SplittableRandom random) {
        int d = model.inputSize();
        int k = model.outputSize();
        Matrix x = BACKEND.fromArray(DType.FLOAT64, n, d, random.doubles(n * d, -2, 2).toArray());
        double[] targets = new double[n * k];
        for (int i = 0; i < n; i++) {
            targets[i * k + random.nextInt(k)] = 1;
        }
        Matrix y = BACKEND.fromArray(DType.FLOAT64, n, k, targets);
        Pass pass = Pass.of(mode, 3);
        Loss loss = model.loss();
        java.util.function.DoubleSupplier objective = () -> loss.forward(model.forward(x, pass), y);
        Matrix prediction = model.forward(x, pass);
        Matrix inputGrad = model.backward(loss.backward(prediction, y), true);
        assertClose("input", BACKEND.toArray(inputGrad), GradientCheck.numerical(BACKEND, x, objective,
                GradientCheck.STEP));
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            assertClose(p.getKey(), BACKEND.toArray(p.getValue().grad()),
                    GradientCheck.numerical(BACKEND, p.getValue().value(), objective, GradientCheck.STEP));
        }
    }

    private static void assertClose(String what, double[] analytic, double[] numerical) {
        double error = GradientCheck.maxRelativeError(analytic, numerical, 1e-4);
        assertTrue(error < 1e-6, what + ": relative error " + error);
    }
}
