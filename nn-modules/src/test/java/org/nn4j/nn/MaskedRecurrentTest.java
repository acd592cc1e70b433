package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.io.Golden;
import org.nn4j.nn.layers.Recurrent;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * The recurrent layers on right-padded batches, their lengths (0, 1 and T among them) set in a {@link
 * SequenceMask}, against PyTorch's {@code pack_padded_sequence} results in float64 ({@code
 * scripts/torch_masked_recurrent.py}, kept in {@code golden/torch-sequences/recurrent/masked.json}): the
 * output padded to T, and for {@code L = sum(output * g)} the input's and every parameter's gradient, within
 * 1e-10 (float64) or 2e-4 (float32) of each array's largest value.
 */
class MaskedRecurrentTest {
    private static final String FILE = "torch-sequences/recurrent/masked.json";

    static Stream<Arguments> cases() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Golden.text(FILE));
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (JsonNode c : root.get("cases")) {
                cases.add(Arguments.of(c.get("layer").toString() + " lengths " + c.get("lengths"), dtype, c));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void maskedRecurrenceAgreesWithPackedPyTorch(String name, DType dtype, JsonNode c) {
        Backend backend = Backends.select("ejml");
        Shape input = Shape.of(c.get("input").get(0).asInt(), c.get("input").get(1).asInt());
        // The flatten only makes the model's output flat, as a model's must be; the layer is run on its own.
        ModelSpec spec = new ModelSpec(input, List.of((ObjectNode) c.get("layer"),
                JsonNodeFactory.instance.objectNode().put("type", "flatten")), "mse");
        Model model = ModuleRegistry.builtIn().build(spec, backend, dtype, 1, "masked");
        Recurrent layer = (Recurrent) model.network().modules().get(0);
        Map<String, Parameter> parameters = model.parameters();
        assertEquals(c.get("parameters").size(), parameters.size(), name + ": parameters");
        for (var it = c.get("parameters").fields(); it.hasNext();) {
            var e = it.next();
            Parameter p = parameters.get("0." + e.getKey());
            assertTrue(p != null, name + ": no parameter " + e.getKey());
            backend.copyIn(p.layout().fromTensor(values(e.getValue()), p.value().rows(), p.value().cols()),
                    p.value());
        }
        int[] lengths = new ObjectMapper().convertValue(c.get("lengths"), int[].class);
        int n = lengths.length;
        SequenceMask mask = new SequenceMask(input.dims().get(0));
        layer.propagateMask(mask);
        mask.set(lengths, n);
        double[] x = values(c.get("x"));
        Matrix out = layer.forward(backend.fromArray(dtype, n, x.length / n, x), Pass.eval());
        double rtol = dtype == DType.FLOAT64 ? 1e-10 : 2e-4;
        assertClose(name + " output", rtol, values(c.get("output")), backend.toArray(out));
        double[] g = values(c.get("output_grad"));
        Matrix inputGrad = layer.backward(backend.fromArray(dtype, n, g.length / n, g), true);
        assertClose(name + " input_grad", rtol, values(c.get("input_grad")), backend.toArray(inputGrad));
        for (var it = c.get("parameter_grads").fields(); it.hasNext();) {
            var e = it.next();
            Parameter p = parameters.get("0." + e.getKey());
            assertClose(name + " " + e.getKey(), rtol, values(e.getValue()),
                    p.layout().toTensor(backend.toArray(p.grad()), p.grad().rows(), p.grad().cols()));
        }
    }

    private static double[] values(JsonNode node) {
        List<Double> out = new ArrayList<>();
        flatten(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isNumber()) {
            out.add(node.asDouble());
        } else {
            node.forEach(child -> flatten(child, out));
        }
    }

    private static void assertClose(String what, double rtol, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": size");
        double max = 0;
        for (double v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= rtol * Math.max(max, 1e-300), what + "[" + i + "]: "
                    + actual[i] + ", PyTorch " + expected[i]);
        }
    }
}
