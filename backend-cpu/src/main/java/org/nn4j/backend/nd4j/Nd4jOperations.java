package org.nn4j.backend.nd4j;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.nn4j.api.Operation;

/**
 * Which operations the ND4J backends compute where their matrices live ({@link
 * org.nn4j.api.Backend#nativeOperations()}). Kept apart from the backends, which refer to ND4J's classes,
 * so that providers can report it without loading ND4J.
 */
public final class Nd4jOperations {

    /** The host path (nd4j-cpu): every operation, on nd4j-native's host memory. */
    public static final Set<Operation> HOST = Collections.unmodifiableSet(EnumSet.allOf(Operation.class));

    /**
     * The device path (nd4j-cuda): ND4J's ops for everything but the fused softmax cross-entropy (batch x
     * classes values, cheaper copied than as four ops), the reductions to one number, which read their
     * operands on the host; the row gather and scatter-add by id (an embedding's passes), whose ids are
     * host ints, copying the table through the host; the pooling over steps (a loop on host copies); the
     * recurrence's two operations, which walk the steps on host copies (one small product per step is where
     * ND4J's per-op cost would dominate); and the other sequence operations (layer normalisation, GELU,
     * attention), which run nn4j-backend-host's loops on host copies: ND4J has a layer norm and attention
     * ops of its own, but not with PyTorch's statistics kept for the backward pass, a key mask by lengths
     * and a dropout mask.
     */
    public static final Set<Operation> DEVICE = Collections.unmodifiableSet(EnumSet.complementOf(
            EnumSet.of(Operation.SOFTMAX_CROSS_ENTROPY, Operation.SUM, Operation.DOT, Operation.GATHER_ROWS,
                    Operation.SCATTER_ADD_ROWS, Operation.POOL_STEPS, Operation.POOL_STEPS_BACKWARD,
                    Operation.RECURRENT_FORWARD, Operation.RECURRENT_BACKWARD, Operation.LAYER_NORM,
                    Operation.LAYER_NORM_BACKWARD, Operation.GELU, Operation.GELU_BACKWARD, Operation.ATTENTION,
                    Operation.ATTENTION_BACKWARD)));

    private Nd4jOperations() {
    }
}
