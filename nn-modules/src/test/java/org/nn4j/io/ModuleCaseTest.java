package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.spec.ModuleRegistry;

/** The module format of nn gradients: the forms it takes, values worked out by hand, and its errors. */
class ModuleCaseTest {
    private static final String LINEAR = "{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 1}],"
            + " \"loss\": \"%s\"}";

    private static ModuleCase.Result run(String json) throws Exception {
        return ModuleCase.fromJson(new ObjectMapper().readTree(json), "case.json").run(ModuleRegistry.builtIn(),
                Backends.select("ejml"), DType.FLOAT64);
    }

    @Test
    void aLinearLayerByHand() throws Exception {
        // p = 0.5 * 1 - 1 * 2 + 0.25 = -1.25; L = 0.5 (p - y)^2 with y = 0.75: 2; dL/dp = -2.
        ModuleCase.Result r = run("{\"model\": " + String.format(LINEAR, "mse") + ", \"parameters\": {\"0.weight\":"
                + " [[0.5, -1.0]], \"0.bias\": [0.25]}, \"x\": [[1, 2]], \"y\": [[0.75]]}");
        assertEquals(-1.25, r.prediction()[0][0]);
        assertEquals(2.0, r.loss());
        assertArrayEquals(new double[] {-1.0, 2.0}, r.inputGrad()[0]);
        assertArrayEquals(new double[] {-2.0, -4.0}, r.parameterGrads().get("0.weight").values());
        assertArrayEquals(new long[] {1, 2}, r.parameterGrads().get("0.weight").shape());
        assertArrayEquals(new double[] {-2.0}, r.parameterGrads().get("0.bias").values());
    }

    @Test
    void lenientFormsGiveTheSameResults() throws Exception {
        String params = "\"parameters\": {\"0.weight\": [[0.5, -1.0]], \"0.bias\": [0.25]}";
        ModuleCase.Result plain = run("{\"model\": " + String.format(LINEAR, "mse") + ", " + params
                + ", \"x\": [[1, 2], [3, 4]], \"y\": [[0.75], [-1]]}");
        // A flat y of an mse model: one target per example; a bias as a 1 x n matrix.
        ModuleCase.Result flat = run("{\"model\": " + String.format(LINEAR, "mse") + ", \"parameters\": {\"0.weight\":"
                + " [[0.5, -1.0]], \"0.bias\": [[0.25]]}, \"x\": [[1, 2], [3, 4]], \"y\": [0.75, -1]}");
        assertEquals(plain.loss(), flat.loss());
        assertArrayEquals(plain.inputGrad()[1], flat.inputGrad()[1]);
        // Examples of shape [2, 1] given nested, flattened in PyTorch's order; num_batches_tracked as a number.
        String nested = "{\"model\": {\"input\": [2, 1], \"layers\": [{\"type\": \"flatten\"}, {\"type\":"
                + " \"batchnorm1d\"}, {\"type\": \"linear\", \"out_features\": 1}], \"loss\": \"mse\"}, \"mode\": \"eval\","
                + " \"parameters\": {\"1.weight\": [1, 1], \"1.bias\": [0, 0], \"1.running_mean\": [0, 0],"
                + " \"1.running_var\": [0.99999, 0.99999], \"1.num_batches_tracked\": 3, \"2.weight\": [[0.5, -1.0]],"
                + " \"2.bias\": [0.25]}, \"x\": [[[1], [2]], [[3], [4]]], \"y\": [[0.75], [-1]]}";
        ModuleCase.Result viaBatchnorm = run(nested);
        assertEquals(plain.prediction()[1][0], viaBatchnorm.prediction()[1][0], 1e-12);
    }

    @Test
    void classIndicesAreOneHotTargets() throws Exception {
        String model = "{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"ce\"}";
        String params = "\"parameters\": {\"0.weight\": [[1, 0], [0, 1], [1, 1]], \"0.bias\": [0, 0, 0]}";
        ModuleCase.Result indices = run("{\"model\": " + model + ", " + params + ", \"x\": [[1, 2], [0, 1]],"
                + " \"y\": [2, 0]}");
        ModuleCase.Result oneHot = run("{\"model\": " + model + ", " + params + ", \"x\": [[1, 2], [0, 1]],"
                + " \"y\": [[0, 0, 1], [1, 0, 0]]}");
        assertEquals(oneHot.loss(), indices.loss());
        assertArrayEquals(oneHot.parameterGrads().get("0.weight").values(),
                indices.parameterGrads().get("0.weight").values());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"parameters\": {\"0.weight\": [[0.5, -1.0]]}, \"x\": [[1, 2]], \"y\": [[0]]|case.json: parameters has no"
                + " '0.bias'; the model's parameters are 0.weight, 0.bias",
        "\"parameters\": {\"0.weight\": [[0.5, -1.0]], \"0.bias\": [0], \"0.scale\": [1]}, \"x\": [[1, 2]], \"y\":"
                + " [[0]]|case.json: parameters: unexpected tensor '0.scale': the model has 0.weight, 0.bias",
        "\"parameters\": {\"0.weight\": [[0.5], [-1.0]], \"0.bias\": [0]}, \"x\": [[1, 2]], \"y\": [[0]]|case.json:"
                + " parameters: tensor '0.weight' has shape [2, 1] but the model needs [1, 2]",
        "\"parameters\": {\"0.weight\": [[0.5, -1.0]], \"0.bias\": [0]}, \"x\": [[1, 2, 3]], \"y\": [[0]]|case.json: x"
                + " has 3 columns but one example of shape [2] has 2 values",
        "\"parameters\": {\"0.weight\": [[0.5, -1.0]], \"0.bias\": [0]}, \"mode\": \"test\", \"x\": [[1, 2]], \"y\":"
                + " [[0]]|case.json: 'mode' must be train or eval, not 'test'"})
    void badCasesFailWithTheirMessage(String rest, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run("{\"model\": " + String.format(LINEAR, "mse") + ", " + rest + "}"));
        assertEquals(message, e.getMessage());
    }
}
