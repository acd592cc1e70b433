package org.nn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * One forward and backward pass of a case, as plain arrays: the {@code expected} object of the golden
 * files, and what {@code nn gradients} prints.
 *
 * @param prediction the network's output, {@code n x outputSize}
 * @param loss the mean loss of the batch
 * @param inputGrad {@code dL/dx}, {@code n x inputSize}
 * @param weightGrads {@code dL/dW} per layer
 * @param biasGrads {@code dL/db} per layer, each {@code 1 x size}
 */
public record GradientResult(double[][] prediction, double loss, double[][] inputGrad, List<double[][]> weightGrads,
        List<double[][]> biasGrads) {

    /**
     * Copies the results of a pass out of the backend: the output, the loss, {@code dL/dx}, and each
     * layer's weight and bias gradients, first layer first.
     */
    public static GradientResult of(Backend backend, Matrix prediction, double loss, Matrix inputGrad,
            List<Matrix> weightGrads, List<Matrix> biasGrads) {
        List<double[][]> weights = new ArrayList<>();
        List<double[][]> biases = new ArrayList<>();
        weightGrads.forEach(m -> weights.add(toRows(backend, m)));
        biasGrads.forEach(m -> biases.add(toRows(backend, m)));
        return new GradientResult(toRows(backend, prediction), loss, toRows(backend, inputGrad),
                List.copyOf(weights), List.copyOf(biases));
    }

    /** Whether every number is finite. */
    public boolean isFinite() {
        if (!Double.isFinite(loss) || !finite(prediction) || !finite(inputGrad)) {
            return false;
        }
        return weightGrads.stream().allMatch(GradientResult::finite) && biasGrads.stream().allMatch(GradientResult::finite);
    }

    /** The JSON object with keys {@code prediction, loss, input_grad, weight_grads, bias_grads}. */
    public ObjectNode toJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.set("prediction", matrixJson(prediction));
        out.put("loss", loss);
        out.set("input_grad", matrixJson(inputGrad));
        ArrayNode weights = out.putArray("weight_grads");
        weightGrads.forEach(m -> weights.add(matrixJson(m)));
        ArrayNode biases = out.putArray("bias_grads");
        biasGrads.forEach(m -> biases.add(matrixJson(m)));
        return out;
    }

    /** Reads the object {@link #toJson()} writes, as found under {@code expected} in the golden files. */
    public static GradientResult fromJson(JsonNode node, String where) {
        JsonReading read = new JsonReading(where);
        List<double[][]> weights = new ArrayList<>();
        List<double[][]> biases = new ArrayList<>();
        JsonNode weightNodes = read.array(node, "weight_grads");
        for (int i = 0; i < weightNodes.size(); i++) {
            weights.add(read.matrix(weightNodes.get(i), "weight_grads[" + i + "]"));
        }
        JsonNode biasNodes = read.array(node, "bias_grads");
        for (int i = 0; i < biasNodes.size(); i++) {
            biases.add(read.matrix(biasNodes.get(i), "bias_grads[" + i + "]"));
        }
        return new GradientResult(read.matrix(read.field(node, "prediction"), "prediction"),
                read.number(read.field(node, "loss"), "loss"),
                read.matrix(read.field(node, "input_grad"), "input_grad"), weights, biases);
    }

    static double[][] toRows(Backend backend, Matrix m) {
        double[] values = backend.toArray(m);
        double[][] rows = new double[m.rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(values, i * m.cols(), (i + 1) * m.cols());
        }
        return rows;
    }

    static boolean finite(double[][] rows) {
        for (double[] row : rows) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    static ArrayNode matrixJson(double[][] rows) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (double[] row : rows) {
            ArrayNode r = out.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        return out;
    }
}
