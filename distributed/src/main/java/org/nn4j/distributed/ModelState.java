package org.nn4j.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;

/**
 * A model's parameters, then its buffers, in the model's dtype: what the driver broadcasts each step
 * (float32 models send half the bytes of float64 ones).
 */
final class ModelState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[][] values64;
    private final float[][] values32;

    private ModelState(double[][] values64, float[][] values32) {
        this.values64 = values64;
        this.values32 = values32;
    }

    /** The matrices a model's state consists of: its parameters, then its buffers. */
    static List<Matrix> matrices(Model model) {
        List<Matrix> all = new ArrayList<>(model.parameterValues());
        model.buffers().values().forEach(b -> all.add(b.value()));
        return all;
    }

    static ModelState of(Model model) {
        Backend backend = model.backend();
        List<Matrix> all = matrices(model);
        if (model.dtype() == DType.FLOAT64) {
            double[][] values = new double[all.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = backend.toArray(all.get(i));
            }
            return new ModelState(values, null);
        }
        float[][] values = new float[all.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new float[all.get(i).size()];
            backend.copyOut(all.get(i), values[i]);
        }
        return new ModelState(null, values);
    }

    /** Writes this state into {@code model}'s parameters and buffers. */
    void copyInto(Model model) {
        Backend backend = model.backend();
        List<Matrix> all = matrices(model);
        for (int i = 0; i < all.size(); i++) {
            if (values64 != null) {
                backend.copyIn(values64[i], all.get(i));
            } else {
                backend.copyIn(values32[i], all.get(i));
            }
        }
    }

    long bytes() {
        long bytes = 0;
        if (values64 != null) {
            for (double[] v : values64) {
                bytes += 8L * v.length;
            }
        } else {
            for (float[] v : values32) {
                bytes += 4L * v.length;
            }
        }
        return bytes;
    }
}
