package org.nn4j.nn;

import java.util.Random;
import org.nn4j.api.ActivationKind;

/** How a layer's weights are drawn; biases always start at zero. */
public enum WeightInit {
    /** He et al.: normal with standard deviation {@code sqrt(2 / fanIn)}; suits ReLU. */
    HE("he"),
    /** Glorot and Bengio: uniform on {@code ±sqrt(6 / (fanIn + fanOut))}; suits sigmoid and tanh. */
    XAVIER("xavier"),
    /** Standard normal, as the assignment's {@code np.random.randn}. */
    RANDN("randn");

    private final String label;

    WeightInit(String label) {
        this.label = label;
    }

    /** The lower-case name model specs use. */
    public String label() {
        return label;
    }

    /** He for ReLU, Xavier for the saturating activations. */
    public static WeightInit defaultFor(ActivationKind activation) {
        return activation == ActivationKind.RELU ? HE : XAVIER;
    }

    /** A {@code fanIn x fanOut} weight matrix, row-major, drawn from {@code random}. */
    public double[] sample(int fanIn, int fanOut, Random random) {
        double[] weights = new double[fanIn * fanOut];
        for (int i = 0; i < weights.length; i++) {
            switch (this) {
                case HE:
                    weights[i] = random.nextGaussian() * Math.sqrt(2.0 / fanIn);
                    break;
                case XAVIER:
                    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                    weights[i] = (2 * random.nextDouble() - 1) * limit;
                    break;
                default:
                    weights[i] = random.nextGaussian();
            }
        }
        return weights;
    }

    @Override
    public String toString() {
        return label;
    }
}
