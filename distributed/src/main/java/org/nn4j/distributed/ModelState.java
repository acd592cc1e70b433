package org.nn4j.distributed;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.train.Optimizer;

/**
 * Copies of a list of matrices in the model's dtype (float32 models send half the bytes of float64
 * ones): what the driver broadcasts, a step's parameters and buffers or a round's parameters, buffers
 * and optimizer state, in the order of {@link #matrices}.
 */
final class ModelState implements Serializable {
    private static final long serialVersionUID = 3L;

    // Written by writeObject as raw bytes (see RawArrays).
    private transient double[][] values64;
    private transient float[][] values32;

    private ModelState(double[][] values64, float[][] values32) {
        this.values64 = values64;
        this.values32 = values32;
    }

    /** A model's state: its parameters, then its buffers. */
    static List<Matrix> matrices(Model model) {
        return new ArrayList<>(model.stateValues());
    }

    /**
     * A model's state and its optimizer's: the parameters, the buffers, then each of the optimizer's
     * slots (Adam's moments) for every parameter.
     */
    static List<Matrix> matrices(Model model, Optimizer optimizer) {
        List<Matrix> all = matrices(model);
        int parameters = model.parameterValues().size();
        for (String slot : optimizer.slots()) {
            for (int i = 0; i < parameters; i++) {
                all.add(optimizer.state(slot, i));
            }
        }
        return all;
    }

    /** Copies of {@code matrices}, in {@code dtype}. */
    static ModelState of(Backend backend, DType dtype, List<Matrix> matrices) {
        return dtype == DType.FLOAT64 ? new ModelState(Arrays64.copies(backend, matrices, 1), null)
                : new ModelState(null, Arrays32.copies(backend, matrices, 1));
    }

    /** Writes these copies into {@code matrices}, which match the ones they were made of. */
    void copyInto(Backend backend, List<Matrix> matrices) {
        if (values64 != null) {
            Arrays64.copyInto(values64, backend, matrices);
        } else {
            Arrays32.copyInto(values32, backend, matrices);
        }
    }

    /** Writes this state into {@code model}'s parameters and buffers. */
    void copyInto(Model model) {
        copyInto(model.backend(), matrices(model));
    }

    /** The bytes of copies of {@code matrices} in {@code dtype}. */
    static long bytes(List<Matrix> matrices, DType dtype) {
        long values = 0;
        for (Matrix m : matrices) {
            values += m.size();
        }
        return values * (dtype == DType.FLOAT64 ? Double.BYTES : Float.BYTES);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        RawArrays64.writeDoubles(out, values64);
        RawArrays32.writeFloats(out, values32);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        values64 = RawArrays64.readDoubles(in);
        values32 = RawArrays32.readFloats(in);
    }

    long bytes() {
        return values64 != null ? Arrays64.bytes(values64) : Arrays32.bytes(values32);
    }
}
