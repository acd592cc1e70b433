package org.nn4j.nn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.train.Optimizers;

/** PyTorch's spellings find nn4j's layer types, losses and optimizers; an unknown name gets the nearest one. */
class NamesTest {
    private static final ModuleRegistry REGISTRY = ModuleRegistry.builtIn();

    @Test
    void pyTorchClassNamesFindNn4jsTypes() {
        for (String[] pair : new String[][] {{"Linear", "linear"}, {"ReLU", "relu"}, {"LeakyReLU", "leaky_relu"},
            {"Conv2d", "conv2d"}, {"MaxPool2d", "maxpool2d"}, {"BatchNorm1d", "batchnorm1d"}, {"LSTM", "lstm"},
            {"Dropout", "dropout"}, {"Flatten", "flatten"}}) {
            assertSame(REGISTRY.layerType(pair[1]), REGISTRY.layerType(pair[0]), pair[0]);
        }
        assertSame(REGISTRY.lossType("softmax_cross_entropy"), REGISTRY.lossType("CrossEntropyLoss"));
        assertSame(REGISTRY.lossType("mse"), REGISTRY.lossType("MSELoss"));
        assertSame(Optimizers.builtIn().type("adamw"), Optimizers.builtIn().type("AdamW"));
        assertSame(Optimizers.builtIn().type("sgd"), Optimizers.builtIn().type("SGD"));
    }

    @Test
    void aModelBuiltFromPyTorchNamesHoldsNn4jsNames() {
        ModelSpec spec = ModelSpec.parse("{\"input\": [4], \"layers\": [{\"type\": \"Linear\", \"out_features\": 3},"
                + " {\"type\": \"ReLU\"}, {\"type\": \"Linear\", \"out_features\": 2}], \"loss\": \"CrossEntropyLoss\"}",
                "m.json");
        Model model = REGISTRY.build(spec, Backends.select("ejml"), DType.FLOAT64, 1, "m.json");
        assertEquals(List.of("linear", "relu", "linear"), model.spec().types());
        assertEquals("softmax_cross_entropy", model.spec().loss());
        Model same = REGISTRY.build(ModelSpec.parse(model.spec().toJson().toString(), "n.json"),
                Backends.select("ejml"), DType.FLOAT64, 1, "n.json");
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                Backends.select("ejml").toArray(model.parameterValues().get(0)),
                Backends.select("ejml").toArray(same.parameterValues().get(0)));
    }

    private static String refused(String layers, String loss) {
        return assertThrows(InvalidInputException.class, () -> REGISTRY.build(ModelSpec.parse("{\"input\": [4],"
                + " \"layers\": " + layers + ", \"loss\": \"" + loss + "\"}", "m.json"), Backends.select("ejml"),
                DType.FLOAT64, 1, "m.json")).getMessage();
    }

    @Test
    void unknownNamesGetTheNearestAndASoftmaxLayerIsExplained() {
        String typo = refused("[{\"type\": \"lienar\", \"out_features\": 2}]", "ce");
        assertEquals("m.json: layers[0]: unknown layer type 'lienar' (did you mean 'linear'?); known: ",
                typo.substring(0, typo.indexOf("known: ") + 7));
        assertEquals("m.json: layers[1]: there is no layer type 'softmax': the loss ce takes the last layer's outputs"
                + " as logits and applies softmax itself; leave the layer out (nn predict gives probabilities)",
                refused("[{\"type\": \"linear\", \"out_features\": 2}, {\"type\": \"softmax\"}]", "ce"));
        String loss = refused("[{\"type\": \"linear\", \"out_features\": 2}]", "msee");
        assertEquals("m.json: unknown loss 'msee' (did you mean 'mse'?); known: ", loss.substring(0,
                loss.indexOf("known: ") + 7));
        assertEquals("unknown optimizer 'adan' (did you mean 'adam'?); expected adam, adamw or sgd",
                Optimizers.builtIn().unknown("adan"));
        assertEquals("unknown optimizer 'rmsprop'; expected adam, adamw or sgd", Optimizers.builtIn().unknown("rmsprop"));
    }
}
