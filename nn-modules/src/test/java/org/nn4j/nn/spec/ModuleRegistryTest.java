package org.nn4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;

class ModuleRegistryTest {
    private static final ModuleRegistry REGISTRY = ModuleRegistry.builtIn();

    private static Model build(String json) {
        return REGISTRY.build(ModelSpec.parse(json, "m.json"), Backends.select("ejml"), DType.FLOAT64, 1, "m.json");
    }

    @Test
    void builtInsAreFoundByServiceLoader() {
        assertEquals(List.of("avgpool2d", "batchnorm1d", "batchnorm2d", "conv2d", "dropout", "embedding", "flatten",
                "gelu", "gru", "layernorm", "leaky_relu", "linear", "lstm", "maxpool2d", "multihead_attention",
                "positional_embedding", "relu", "rnn", "sequence_pool", "sigmoid", "tanh", "transformer_encoder_layer"),
                List.copyOf(REGISTRY.layerTypes().keySet()));
        assertEquals(List.of("l1", "mse", "smooth_l1", "softmax_cross_entropy"), List.copyOf(REGISTRY.lossTypes().keySet()));
        assertEquals("softmax_cross_entropy", REGISTRY.lossType("ce").name());
    }

    @Test
    void namesFollowPyTorchsStateDict() {
        Model model = build("{\"input\": [784], \"layers\": [{\"type\": \"linear\", \"out_features\": 256},"
                + " {\"type\": \"batchnorm1d\"}, {\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 0.2},"
                + " {\"type\": \"linear\", \"out_features\": 10, \"bias\": false}], \"loss\": \"ce\"}");
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight"),
                List.copyOf(model.parameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var"), List.copyOf(model.buffers().keySet()));
        assertEquals(List.of(256L, 784L), java.util.Arrays.stream(model.stateDict().get("0.weight").shape()).boxed()
                .toList());
        assertEquals(10, model.outputSize());
        assertEquals("softmax_cross_entropy", model.loss().label());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"type\": \"lineer\"}]|m.json: layers[0]: unknown layer type 'lineer' (did you mean 'linear'?); known: avgpool2d, batchnorm1d,"
                + " batchnorm2d, conv2d, dropout, embedding, flatten, gelu, gru, layernorm, leaky_relu, linear, lstm,"
                + " maxpool2d, multihead_attention, positional_embedding, relu, rnn, sequence_pool, sigmoid, tanh,"
                + " transformer_encoder_layer",
        "[{\"type\": \"linear\"}]|m.json: layers[0] (linear): missing 'out_features' (outputs per example)",
        "[{\"type\": \"linear\", \"out_feature\": 3}]|m.json: layers[0] (linear): unknown hyper-parameter"
                + " 'out_feature'; linear takes in_features, out_features, bias, init",
        "[{\"type\": \"linear\", \"out_features\": \"3\"}]|m.json: layers[0] (linear): 'out_features' must be a whole"
                + " number, not \"3\"",
        "[{\"type\": \"linear\", \"out_features\": 0}]|m.json: layers[0] (linear): 'out_features' must be >= 1, not 0",
        "[{\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 1.5}]|m.json: layers[1] (dropout): 'p' must be in"
                + " [0, 1], not 1.5",
        "[{\"type\": \"linear\", \"in_features\": 5, \"out_features\": 3}]|m.json: layers[0] (linear): 'in_features'"
                + " is 5 but its input has 4 features",
        "[{\"type\": \"relu\", \"inplace\": true}]|m.json: layers[0] (relu): unknown hyper-parameter 'inplace'; relu"
                + " takes none",
        "[{\"type\": \"batchnorm1d\", \"num_features\": 3}]|m.json: layers[0] (batchnorm1d): 'num_features' is 3 but"
                + " its input has 4 features",
        "[{\"type\": \"linear\", \"out_features\": 3, \"bias\": 1}]|m.json: layers[0] (linear): 'bias' must be true"
                + " or false, not 1",
        "[{\"out_features\": 3}]|m.json: layers[0]: needs a 'type' string, such as \"linear\""})
    void badSpecsFailWithOneLineNamingTheLayerAndKey(String layers, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> build("{\"input\": [4], \"layers\": " + layers + ", \"loss\": \"mse\"}"));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": 7}]|m.json: layers[0] (conv2d): 'kernel_size'"
                + " is 7x7, larger than the input [1, 5, 5] padded by 0x0",
        "[{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": [3, 8], \"padding\": [0, 1]}]|m.json:"
                + " layers[0] (conv2d): 'kernel_size' is 3x8, larger than the input [1, 5, 5] padded by 0x1",
        "[{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": [3]}]|m.json: layers[0] (conv2d):"
                + " 'kernel_size' must be a whole number or two of them, [height, width], not [3]",
        "[{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": 3, \"stride\": 0}]|m.json: layers[0]"
                + " (conv2d): 'stride' must be >= 1, not 0",
        "[{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": 3, \"in_channels\": 3}]|m.json: layers[0]"
                + " (conv2d): 'in_channels' is 3 but its input [1, 5, 5] has 1 channels",
        "[{\"type\": \"conv2d\", \"kernel_size\": 3}]|m.json: layers[0] (conv2d): missing 'out_channels' (channels"
                + " of the output)",
        "[{\"type\": \"maxpool2d\", \"kernel_size\": 2, \"padding\": 2}]|m.json: layers[0] (maxpool2d): 'padding'"
                + " is 2x2, more than half the 2x2 kernel",
        "[{\"type\": \"batchnorm2d\", \"num_features\": 2}]|m.json: layers[0] (batchnorm2d): 'num_features' is 2"
                + " but its input [1, 5, 5] has 1 channels",
        "[{\"type\": \"flatten\"}, {\"type\": \"avgpool2d\", \"kernel_size\": 2}]|m.json: layers[1] (avgpool2d):"
                + " takes input of shape [channels, height, width], not [25]",
        "[{\"type\": \"batchnorm1d\"}]|m.json: layers[0] (batchnorm1d): takes input of shape [features], not"
                + " [1, 5, 5]; put a flatten before it"})
    void badImageSpecsNameTheLayerAndTheShapes(String layers, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> build("{\"input\": [1, 5, 5], \"layers\": " + layers + ", \"loss\": \"mse\"}"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aConvolutionsWeightIsPyTorchsFourDimensionalTensor() {
        Model model = build("{\"input\": [2, 6, 5], \"layers\": [{\"type\": \"conv2d\", \"out_channels\": 3,"
                + " \"kernel_size\": [3, 2], \"stride\": 2, \"padding\": 1}, {\"type\": \"batchnorm2d\"},"
                + " {\"type\": \"maxpool2d\", \"kernel_size\": 2}, {\"type\": \"flatten\"}, {\"type\": \"linear\","
                + " \"out_features\": 4}], \"loss\": \"mse\"}");
        java.util.Map<String, org.nn4j.nn.TensorData> state = model.stateDict();
        assertEquals(java.util.Set.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "4.weight", "4.bias"), state.keySet());
        assertEquals("[3, 2, 3, 2]", java.util.Arrays.toString(state.get("0.weight").shape()));
        assertEquals("[3]", java.util.Arrays.toString(state.get("1.running_var").shape()));
        // [3, 3, 3] after the convolution, [3, 1, 1] after pooling: 3 features.
        assertEquals("[4, 3]", java.util.Arrays.toString(state.get("4.weight").shape()));
    }

    @Test
    void badTopLevelKeysAndLossesAreNamed() {
        assertEquals("m.json: unknown loss 'hinge'; known: ce, cross_entropy, l1, mse, smooth_l1, softmax_cross_entropy",
                assertThrows(InvalidInputException.class, () -> build("{\"input\": [4], \"layers\": [{\"type\":"
                        + " \"relu\"}], \"loss\": \"hinge\"}")).getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> build("{\"input\": [0], \"layers\": []}"))
                .getMessage().startsWith("m.json: 'input' must be one example's shape"));
        assertTrue(assertThrows(InvalidInputException.class, () -> build("{\"input\": [2, 2], \"layers\":"
                + " [{\"type\": \"linear\", \"out_features\": 2}]}")).getMessage()
                .contains("the model's output must be flat ([outputs]), not [2, 2]; put a flatten"));
        assertTrue(assertThrows(InvalidInputException.class, () -> build("{\"input\": [4], \"layer\": []}"))
                .getMessage().startsWith("m.json: unknown key 'layer' in the model spec"));
    }

    @Test
    void theMlpShortcutIsTheSameSpecAsWrittenOut() {
        ModelSpec written = ModelSpec.parse("{\"input\": [784], \"layers\": [{\"type\": \"linear\", \"out_features\":"
                + " 256}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 10}], \"loss\":"
                + " \"softmax_cross_entropy\"}", "m.json");
        assertEquals(written, ModelSpec.mlp(784, List.of(256), 10, org.nn4j.api.ActivationKind.RELU,
                "softmax_cross_entropy"));
    }

    @Test
    void theJavaBuilderMakesTheSpecTheJsonDescribes() {
        ModelSpec built = ModelSpec.builder(784).layer("linear", "out_features", 256).layer("relu")
                .layer("dropout", "p", 0.2).layer("linear", "out_features", 10, "bias", false).loss("ce").build();
        ModelSpec parsed = ModelSpec.parse("{\"input\": [784], \"layers\": [{\"type\": \"linear\","
                + " \"out_features\": 256}, {\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 0.2},"
                + " {\"type\": \"linear\", \"out_features\": 10, \"bias\": false}], \"loss\": \"ce\"}", "m.json");
        assertEquals(parsed, built);
        assertEquals(10, REGISTRY.build(built, Backends.select("ejml"), DType.FLOAT32, 1, "built").outputSize());
    }
}
