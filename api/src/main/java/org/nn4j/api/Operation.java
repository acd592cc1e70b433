package org.nn4j.api;

import java.util.Locale;

/**
 * The operations of {@link Backend}, each named after the method that performs it ({@link #method()}):
 * what a backend reports in {@link Backend#nativeOperations()}. Overloads (the two {@code copyIn}) are one
 * operation; {@link Backend#fromArray} and {@link Backend#toArray}, made of {@code zeros}, {@code copyIn}
 * and {@code copyOut}, are none of their own.
 */
public enum Operation {
    /** {@link Backend#zeros}. */
    ZEROS,
    /** {@link Backend#copyIn(double[], Matrix)} and {@link Backend#copyIn(float[], Matrix)}. */
    COPY_IN,
    /** {@link Backend#copyOut(Matrix, double[])} and {@link Backend#copyOut(Matrix, float[])}. */
    COPY_OUT,
    /** {@link Backend#reshape}. */
    RESHAPE,
    /** {@link Backend#copy}. */
    COPY,
    /** {@link Backend#gatherRows}. */
    GATHER_ROWS,
    /** {@link Backend#scatterAddRows}. */
    SCATTER_ADD_ROWS,
    /** {@link Backend#poolSteps}. */
    POOL_STEPS,
    /** {@link Backend#poolStepsBackward}. */
    POOL_STEPS_BACKWARD,
    /** {@link Backend#fill}. */
    FILL,
    /** {@link Backend#gemm}. */
    GEMM,
    /** {@link Backend#addRowVector}. */
    ADD_ROW_VECTOR,
    /** {@link Backend#columnSums}. */
    COLUMN_SUMS,
    /** {@link Backend#axpby}. */
    AXPBY,
    /** {@link Backend#scale}. */
    SCALE,
    /** {@link Backend#multiply}. */
    MULTIPLY,
    /** {@link Backend#activation}. */
    ACTIVATION,
    /** {@link Backend#biasActivation}. */
    BIAS_ACTIVATION,
    /** {@link Backend#activationBackward}. */
    ACTIVATION_BACKWARD,
    /** {@link Backend#leakyRelu}. */
    LEAKY_RELU,
    /** {@link Backend#leakyReluBackward}. */
    LEAKY_RELU_BACKWARD,
    /** {@link Backend#multiplyRowVector}. */
    MULTIPLY_ROW_VECTOR,
    /** {@link Backend#adamUpdate}. */
    ADAM_UPDATE,
    /** {@link Backend#momentumUpdate}. */
    MOMENTUM_UPDATE,
    /** {@link Backend#softmaxRows}. */
    SOFTMAX_ROWS,
    /** {@link Backend#softmaxCrossEntropy}. */
    SOFTMAX_CROSS_ENTROPY,
    /** {@link Backend#logSumExpRows}. */
    LOG_SUM_EXP_ROWS,
    /** {@link Backend#argmaxRows}. */
    ARGMAX_ROWS,
    /** {@link Backend#im2col}. */
    IM2COL,
    /** {@link Backend#col2im}. */
    COL2IM,
    /** {@link Backend#transposeBlocks}. */
    TRANSPOSE_BLOCKS,
    /** {@link Backend#conv2d}. */
    CONV2D,
    /** {@link Backend#conv2dBackward}. */
    CONV2D_BACKWARD,
    /** {@link Backend#maxPool2d}. */
    MAX_POOL2D,
    /** {@link Backend#maxPool2dBackward}. */
    MAX_POOL2D_BACKWARD,
    /** {@link Backend#avgPool2d}. */
    AVG_POOL2D,
    /** {@link Backend#avgPool2dBackward}. */
    AVG_POOL2D_BACKWARD,
    /** {@link Backend#recurrentForward}. */
    RECURRENT_FORWARD,
    /** {@link Backend#recurrentBackward}. */
    RECURRENT_BACKWARD,
    /** {@link Backend#sum}. */
    SUM,
    /** {@link Backend#dot}. */
    DOT,
    /** {@link Backend#layerNorm}. */
    LAYER_NORM,
    /** {@link Backend#layerNormBackward}. */
    LAYER_NORM_BACKWARD,
    /** {@link Backend#gelu}. */
    GELU,
    /** {@link Backend#geluBackward}. */
    GELU_BACKWARD,
    /** {@link Backend#attention}. */
    ATTENTION,
    /** {@link Backend#attentionBackward}. */
    ATTENTION_BACKWARD;

    private final String method;

    Operation() {
        StringBuilder camel = new StringBuilder();
        for (String word : name().toLowerCase(Locale.ROOT).split("_")) {
            camel.append(camel.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        this.method = camel.toString();
    }

    /** The name of the {@link Backend} method that performs it, for example {@code maxPool2dBackward}. */
    public String method() {
        return method;
    }

    /** The operation performed by the {@link Backend} method {@code method}; null when there is none. */
    public static Operation byMethod(String method) {
        for (Operation operation : values()) {
            if (operation.method.equals(method)) {
                return operation;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return method;
    }
}
