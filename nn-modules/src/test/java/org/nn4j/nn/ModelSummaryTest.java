package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** Model.summary: output shapes and parameter counts as PyTorch counts them (numel of each parameter). */
class ModelSummaryTest {
    @Test
    void layersShapesAndCounts() {
        ModelSpec spec = ModelSpec.parse("{\"input\": [1, 8, 8], \"layers\": [{\"type\": \"conv2d\", \"out_channels\":"
                + " 4, \"kernel_size\": 3}, {\"type\": \"batchnorm2d\"}, {\"type\": \"relu\"}, {\"type\": \"maxpool2d\","
                + " \"kernel_size\": 2}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 5}],"
                + " \"loss\": \"ce\"}", "s.json");
        Model model = ModuleRegistry.builtIn().build(spec, Backends.select("ejml"), DType.FLOAT32, 1, "s.json");
        // conv 4 x 1 x 3 x 3 + 4 = 40; batch norm weight and bias 8 (running mean and variance: 8 buffer
        // values, and PyTorch's num_batches_tracked is not one here); linear 36 x 5 + 5 = 185.
        assertEquals(String.join("\n",
                "layer                                    output shape  parameters",
                "input                                    [1, 8, 8]",
                "0 conv2d(out_channels=4, kernel_size=3)  [4, 6, 6]     40",
                "1 batchnorm2d                            [4, 6, 6]     8",
                "2 relu                                   [4, 6, 6]     0",
                "3 maxpool2d(kernel_size=2)               [4, 3, 3]     0",
                "4 flatten                                [36]          0",
                "5 linear(out_features=5)                 [5]           185",
                "233 parameters, 8 buffer values; loss softmax_cross_entropy, float32"), model.summary());
    }
}
