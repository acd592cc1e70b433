package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a case file can be wrong gives one message that names the file and the place. */
class GradientCaseTest {
    private static final String GOOD = "{\"network\": {\"input_size\": 2, \"hidden_sizes\": [2], \"output_size\": 1,"
            + " \"activation\": \"sigmoid\"}, \"loss\": \"mse\","
            + " \"weights\": [[[0.5, 0.75], [0.25, 0.25]], [[0.5], [0.5]]], \"biases\": [[[0, 0]], [[0]]],"
            + " \"x\": [[1, 1]], \"y\": [[0]]}";

    private static String messageOf(String json) {
        return assertThrows(InvalidInputException.class, () -> GradientCase.parse(json, "case.json")).getMessage();
    }

    @Test
    void aGoodCaseParses() {
        GradientCase parsed = GradientCase.parse(GOOD, "case.json");
        assertEquals(2, parsed.inputSize());
        assertEquals(2, parsed.weights().size());
        assertEquals(null, parsed.expected());
    }

    @Test
    void aMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertEquals(missing + ": no such file",
                assertThrows(InvalidInputException.class, () -> GradientCase.read(missing)).getMessage());
    }

    @Test
    void malformedJsonSaysWhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"network\": {\n  \"input_size\": 2,,\n}");
        String message = assertThrows(InvalidInputException.class, () -> GradientCase.read(file)).getMessage();
        assertTrue(message.startsWith(file + ": malformed JSON at line 2, column"), message);
    }

    @Test
    void notAnObject() {
        assertTrue(messageOf("[1, 2]").startsWith("case.json: expected a JSON object"));
    }

    @Test
    void aMissingKey() {
        assertEquals("case.json: missing key 'biases'", messageOf(GOOD.replace("\"biases\"", "\"bias\"")));
    }

    @Test
    void anUnknownActivationOrLoss() {
        assertEquals("case.json: unknown activation 'swish'; expected one of sigmoid, tanh, relu",
                messageOf(GOOD.replace("\"sigmoid\"", "\"swish\"")));
        assertEquals("case.json: unknown loss 'hinge'; expected mse or softmax_cross_entropy",
                messageOf(GOOD.replace("\"mse\"", "\"hinge\"")));
    }

    @Test
    void weightsOfTheWrongShape() {
        assertEquals("case.json: weights[1] is 1x1 but must be 2x1 (layer 2 maps 2 to 1)",
                messageOf(GOOD.replace("[[0.5], [0.5]]", "[[0.5]]")));
        assertEquals("case.json: 'weights' has 1 entries but the network has 2 layers (sizes [2, 2, 1])",
                messageOf(GOOD.replace(", [[0.5], [0.5]]]", "]")));
    }

    @Test
    void inputsAndTargetsOfTheWrongShape() {
        assertEquals("case.json: x is 1x3 but must be 1x2 (the network's input_size is 2)",
                messageOf(GOOD.replace("[[1, 1]]", "[[1, 1, 1]]")));
        assertEquals("case.json: y is 2x1 but must be 1x1 (one row per row of x (1), output_size 1 columns)",
                messageOf(GOOD.replace("\"y\": [[0]]", "\"y\": [[0], [1]]")));
    }

    @Test
    void raggedRowsAndValuesThatAreNotNumbers() {
        assertTrue(messageOf(GOOD.replace("[[0.5, 0.75], [0.25, 0.25]]", "[[0.5, 0.75], [0.25]]"))
                .startsWith("case.json: weights[0][1] must be a list of 2 numbers like the first row"));
        assertEquals("case.json: x[0][1] must be a number, not \"one\"",
                messageOf(GOOD.replace("[[1, 1]]", "[[1, \"one\"]]")));
        assertEquals("case.json: network.input_size must be a whole number of at least 1, not 0",
                messageOf(GOOD.replace("\"input_size\": 2", "\"input_size\": 0")));
    }

    @Test
    void crossEntropyTargetsMustBeDistributions() {
        String ce = GOOD.replace("\"mse\"", "\"softmax_cross_entropy\"");
        assertTrue(messageOf(ce.replace("\"y\": [[0]]", "\"y\": [[2]]")).startsWith("case.json: y[0] sums to 2.0"));
        assertTrue(messageOf(ce.replace("\"y\": [[0]]", "\"y\": [[-1]]")).startsWith("case.json: y[0] has a negative"));
    }
}
