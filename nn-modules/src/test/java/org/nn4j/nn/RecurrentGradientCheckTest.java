package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.Recurrent;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Central-difference gradient checks (float64) of the recurrent layers: every cell, in both modes, with
 * and without a mask (lengths 1 and T among them), batch 1, bidirectional, two layers with dropout between
 * them; the layer before a flatten and a linear output: its input gradient and every parameter's.
 */
class RecurrentGradientCheckTest {
    private static final int STEPS = 4;
    private static final int FEATURES = 3;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        String[] layers = {"{\"type\": \"rnn\", \"hidden_size\": 3}",
            "{\"type\": \"rnn\", \"hidden_size\": 3, \"nonlinearity\": \"relu\", \"bias\": false}",
            "{\"type\": \"lstm\", \"hidden_size\": 3}", "{\"type\": \"gru\", \"hidden_size\": 3}",
            "{\"type\": \"lstm\", \"hidden_size\": 2, \"bidirectional\": true}",
            "{\"type\": \"gru\", \"hidden_size\": 2, \"bidirectional\": true, \"num_layers\": 2, \"dropout\": 0.3}",
            "{\"type\": \"lstm\", \"hidden_size\": 3, \"num_layers\": 2, \"dropout\": 0.4}",
            "{\"type\": \"rnn\", \"hidden_size\": 2, \"num_layers\": 2, \"bidirectional\": true, \"bias\": false}"};
        int[][] lengths = {null, {4, 1, 0, 2, 3}, {1}, {4}};
        for (String layer : layers) {
            for (Mode mode : Mode.values()) {
                for (int[] l : lengths) {
                    cases.add(Arguments.of(layer, mode, l));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} lengths {2}")
    @MethodSource("cases")
    void analyticGradientsMatchCentralDifferences(String layer, Mode mode, int[] lengths) throws IOException {
        Backend backend = Backends.select("ejml");
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<ObjectNode> layers = List.of((ObjectNode) new ObjectMapper().readTree(layer),
                f.objectNode().put("type", "flatten"), f.objectNode().put("type", "linear").put("out_features", 3));
        ModelSpec spec = new ModelSpec(Shape.of(STEPS, FEATURES), layers, "softmax_cross_entropy");
        Model model = ModuleRegistry.builtIn().build(spec, backend, DType.FLOAT64, 7, "check");
        int n = lengths == null ? 3 : lengths.length;
        if (lengths != null) {
            SequenceMask mask = new SequenceMask(STEPS);
            Recurrent recurrent = (Recurrent) model.network().modules().get(0);
            assertEquals(mask, recurrent.propagateMask(mask));
            mask.set(lengths, n);
        }
        SplittableRandom random = new SplittableRandom(layer.hashCode() + mode.ordinal());
        int d = model.inputSize();
        int k = model.outputSize();
        Matrix x = backend.fromArray(DType.FLOAT64, n, d, random.doubles(n * d, -2, 2).toArray());
        double[] targets = new double[n * k];
        for (int i = 0; i < n; i++) {
            targets[i * k + random.nextInt(k)] = 1;
        }
        Matrix y = backend.fromArray(DType.FLOAT64, n, k, targets);
        Pass pass = Pass.of(mode, 3);
        Loss loss = model.loss();
        DoubleSupplier objective = () -> loss.forward(model.forward(x, pass), y);
        Matrix prediction = model.forward(x, pass);
        Matrix inputGrad = model.backward(loss.backward(prediction, y), true);
        assertClose("input", backend.toArray(inputGrad), GradientCheck.numerical(backend, x, objective,
                GradientCheck.STEP));
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            assertClose(p.getKey(), backend.toArray(p.getValue().grad()),
                    GradientCheck.numerical(backend, p.getValue().value(), objective, GradientCheck.STEP));
        }
    }

    private static void assertClose(String what, double[] analytic, double[] numerical) {
        double error = GradientCheck.maxRelativeError(analytic, numerical, 1e-4);
        assertTrue(error < 1e-6, what + ": relative error " + error);
    }
}
