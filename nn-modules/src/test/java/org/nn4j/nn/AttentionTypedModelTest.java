package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.Flatten;
import org.nn4j.nn.layers.Gelu;
import org.nn4j.nn.layers.LayerNorm;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.layers.MultiheadAttention;
import org.nn4j.nn.layers.TransformerEncoderLayer;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * The attention layer types made in Java: the spec written from them, their initial tensors and a
 * training pass (dropout included) against the same model built from a spec file, bit for bit; PyTorch's
 * state_dict names; a padded batch's padded keys change nothing at the real steps.
 */
class AttentionTypedModelTest {
    static final String SPEC = "{\"input\": [3, 4], \"layers\": [{\"type\": \"layernorm\"},"
            + " {\"type\": \"multihead_attention\", \"num_heads\": 2, \"dropout\": 0.2},"
            + " {\"type\": \"gelu\", \"approximate\": \"tanh\"},"
            + " {\"type\": \"transformer_encoder_layer\", \"nhead\": 2, \"dim_feedforward\": 5, \"dropout\": 0.3,"
            + " \"activation\": \"gelu\", \"norm_first\": true}, {\"type\": \"flatten\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"softmax_cross_entropy\"}";

    private final Backend backend = Backends.select("ejml");

    static Sequential layers(Backend backend, DType dtype) {
        return new Sequential(new LayerNorm(backend, dtype, 4),
                new MultiheadAttention(backend, dtype, 4, 2, 0.2, true, 0), new Gelu(backend, true),
                new TransformerEncoderLayer(backend, dtype, 4, 2, 5, 0.3, true, 1e-5, true, 0), new Flatten(),
                new Linear(backend, dtype, 12, 3));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void aModelMadeInJavaIsTheModelOfItsSpecFile(DType dtype) {
        Model typed = Model.of(backend, dtype, Shape.of(3, 4), layers(backend, dtype), new SoftmaxCrossEntropy(backend),
                5);
        Model fromFile = ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), backend, dtype, 5, "spec");
        assertEquals(fromFile.spec().toJson(), typed.spec().toJson());
        assertEquals(fromFile.stateDict(), typed.stateDict());
        List<double[]> results = new ArrayList<>();
        for (Model model : List.of(fromFile, typed)) {
            results.addAll(trainingPass(model, 5));
        }
        int half = results.size() / 2;
        for (int i = 0; i < half; i++) {
            assertArrayEquals(results.get(i), results.get(half + i), "array " + i);
        }
        assertEquals(List.of("0.weight", "0.bias", "1.in_proj_weight", "1.in_proj_bias", "1.out_proj.weight",
                "1.out_proj.bias", "3.self_attn.in_proj_weight", "3.self_attn.in_proj_bias",
                "3.self_attn.out_proj.weight", "3.self_attn.out_proj.bias", "3.linear1.weight", "3.linear1.bias",
                "3.linear2.weight", "3.linear2.bias", "3.norm1.weight", "3.norm1.bias", "3.norm2.weight",
                "3.norm2.bias", "5.weight", "5.bias"), List.copyOf(typed.stateDict().keySet()));
        assertArrayEquals(new long[] {12, 4}, typed.stateDict().get("1.in_proj_weight").shape());
        assertArrayEquals(new long[] {5, 4}, typed.stateDict().get("3.linear1.weight").shape());
    }

    private List<double[]> trainingPass(Model model, int n) {
        SplittableRandom random = new SplittableRandom(1);
        Matrix in = backend.fromArray(model.dtype(), n, 12, random.doubles(12L * n, -2, 2).toArray());
        double[] y = new double[3 * n];
        for (int i = 0; i < n; i++) {
            y[i * 3 + i % 3] = 1;
        }
        Matrix target = backend.fromArray(model.dtype(), n, 3, y);
        Pass pass = Pass.training(3);
        pass.keyRows(4, new int[] {7, 1, 3, 0, 2}, 0, n);
        Matrix out = model.forward(in, pass);
        Matrix grad = backend.zeros(model.dtype(), n, 3);
        model.loss().forwardBackward(out, target, grad);
        List<double[]> results = new ArrayList<>();
        results.add(backend.toArray(out));
        results.add(backend.toArray(model.backward(grad, true)));
        model.parameterGradients().forEach(g -> results.add(backend.toArray(g)));
        return results;
    }

    /** What a padded key holds changes nothing at a row's real steps, in evaluation. */
    @Test
    void paddedKeysChangeNothingAtTheRealSteps() {
        Sequential layers = new Sequential(new MultiheadAttention(backend, DType.FLOAT64, 4, 2),
                new TransformerEncoderLayer(backend, DType.FLOAT64, 4, 1, 6, 0, false, 1e-5, false, 0));
        layers.initialize(9);
        SequenceMask mask = new SequenceMask(3);
        layers.propagateMask(mask);
        mask.set(new int[] {2}, 1);
        double[] x = new SplittableRandom(2).doubles(12, -1, 1).toArray();
        double[] first = backend.toArray(layers.forward(backend.fromArray(DType.FLOAT64, 1, 12, x), Pass.eval()));
        for (int j = 8; j < 12; j++) {
            x[j] += 5;
        }
        double[] second = backend.toArray(layers.forward(backend.fromArray(DType.FLOAT64, 1, 12, x), Pass.eval()));
        for (int j = 0; j < 8; j++) {
            assertEquals(first[j], second[j], 1e-14, "value " + j);
        }
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(backend, DType.FLOAT64, 6, 4));
    }
}
