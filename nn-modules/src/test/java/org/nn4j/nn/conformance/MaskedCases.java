package org.nn4j.nn.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.io.GradientCase;
import org.nn4j.io.ModuleCase;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Runs a module case of {@code torch_cases.py --sequences attention --masked} as {@code nn gradients} would, with its
 * rows' {@code lengths} set in a {@link SequenceMask} handed to the model's network: PyTorch computed it
 * with those lengths as its {@code key_padding_mask}.
 */
final class MaskedCases {

    private MaskedCases() {
    }

    static ModuleCase.Result run(JsonNode root, String name, Backend backend, DType dtype) {
        ModuleCase moduleCase = ModuleCase.fromJson(root, name);
        Model model = moduleCase.model(ModuleRegistry.builtIn(), backend, dtype);
        JsonNode lengthsNode = root.get("lengths");
        int[] lengths = new int[lengthsNode.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = lengthsNode.get(i).asInt();
        }
        SequenceMask mask = new SequenceMask(moduleCase.spec().input().dims().get(0));
        mask.set(lengths, lengths.length);
        model.network().propagateMask(mask);
        int n = moduleCase.x().length;
        int k = model.outputSize();
        double[] y = new double[n * k];
        if (moduleCase.classes() != null) {
            for (int i = 0; i < n; i++) {
                y[i * k + moduleCase.classes()[i]] = 1;
            }
        } else {
            y = GradientCase.flatten(moduleCase.y());
        }
        Matrix input = backend.fromArray(dtype, n, model.inputSize(), GradientCase.flatten(moduleCase.x()));
        Matrix target = backend.fromArray(dtype, n, k, y);
        Loss loss = model.loss();
        Matrix prediction = model.forward(input, Pass.of(moduleCase.mode(), 0));
        double lossValue = loss.forward(prediction, target);
        Matrix inputGrad = model.backward(loss.backward(prediction, target), true);
        Map<String, TensorData> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            grads.put(e.getKey(), model.export(e.getValue().grad(), e.getValue().layout()));
        }
        return new ModuleCase.Result(rows(backend, prediction), lossValue, rows(backend, inputGrad), grads);
    }

    private static double[][] rows(Backend backend, Matrix m) {
        double[] values = backend.toArray(m);
        double[][] rows = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            System.arraycopy(values, i * m.cols(), rows[i], 0, m.cols());
        }
        return rows;
    }
}
