package org.nn4j.distributed;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.train.Checkpoints;
import org.nn4j.train.Optimizer;

/** What an executor needs to rebuild the driver's optimizer: its name and settings. */
record OptimizerSpec(String name, double momentum, boolean nesterov, double weightDecay) implements Serializable {

    static OptimizerSpec of(Optimizer optimizer) {
        Map<String, Object> settings = optimizer.settings();
        return new OptimizerSpec(optimizer.name(), ((Number) settings.getOrDefault("momentum", 0.0)).doubleValue(),
                (Boolean) settings.getOrDefault("nesterov", false),
                ((Number) settings.getOrDefault("weight_decay", 0.0)).doubleValue());
    }

    /** A new optimizer of this kind for {@code parameters} (its learning rate is set before each use). */
    Optimizer build(Backend backend, List<Matrix> parameters) {
        return Checkpoints.optimizer(name, backend, parameters, 1e-3, momentum, nesterov, weightDecay);
    }
}
