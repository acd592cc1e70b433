package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** A batch whose activations cannot fit is refused before it runs, naming the layer or the total. */
class BatchFitsTest {
    private final Backend backend = Backends.select("ejml");

    /** Few parameters, wide activations: a 1x1 convolution to {@code channels} channels, pooled away. */
    private Model wide(int channels) {
        String spec = "{\"input\": [1, 28, 28], \"layers\": [{\"type\": \"conv2d\", \"out_channels\": " + channels
                + ", \"kernel_size\": 1}, {\"type\": \"avgpool2d\", \"kernel_size\": 28}, {\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out_features\": 10}]}";
        return ModuleRegistry.builtIn().build(ModelSpec.parse(spec, "spec"), backend, DType.FLOAT32, 1, "spec");
    }

    @Test
    void aLayerOutputLargerThanAnArrayIsNamed() {
        String message = assertThrows(InvalidInputException.class, () -> wide(50_000).requireBatchFits(128,
                "a batch of 128")).getMessage();
        assertEquals("layers[0] (conv2d): a batch of 128 makes 5,017,600,000 values ([50000, 28, 28] an example),"
                + " more than one array holds (2^31); use a smaller batch or smaller layers", message);
    }

    @Test
    void activationsBeyondTheJvmsMemoryAreRefusedAndASmallBatchFits() {
        Model model = wide(1000);
        // 784,000 values an example in the convolution's output: a batch that needs twice the heap.
        long perExample = 1 + 784 + 784_000 + 1000 + 1000 + 10;
        long batch = 2 * Runtime.getRuntime().maxMemory() / (4 * 4 * perExample) + 1;
        assumeTrue(batch * 784_000 < Integer.MAX_VALUE, "a heap this large needs another model to fill it");
        String message = assertThrows(InvalidInputException.class, () -> model.requireBatchFits((int) batch,
                "a batch of " + batch)).getMessage();
        assertTrue(message.startsWith("a batch of " + batch + " makes "), message);
        assertTrue(message.contains("with their gradients and work arrays a step needs about"), message);
        model.requireBatchFits(8, "a batch of 8");
    }
}
