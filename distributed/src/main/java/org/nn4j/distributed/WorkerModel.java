package org.nn4j.distributed;

import java.io.Serializable;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * What an executor needs to rebuild the driver's model: its spec (JSON), dtype, the backend to compute
 * on, and the run's seed, from which dropout draws. Parameters and buffers travel separately, by
 * broadcast, every step.
 */
record WorkerModel(String spec, String dtype, String backendName, long seed) implements Serializable {

    static WorkerModel of(Model model, String backend, long seed) {
        return new WorkerModel(model.spec().toJson().toString(), model.dtype().label(), backend, seed);
    }

    /**
     * A model of this spec on this executor's backend (its state is set before each use), with the
     * layer types the executor's class path offers.
     */
    Model build(Backend on) {
        return ModuleRegistry.load().build(ModelSpec.parse(spec, "model spec"), on, DType.select(dtype, DType.FLOAT64),
                0, "model spec");
    }

    /** The backend named, made on the executor that calls this. */
    Backend newBackend() {
        return Backends.select(backendName);
    }
}
