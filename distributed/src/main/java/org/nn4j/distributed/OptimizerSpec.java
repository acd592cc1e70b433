package org.nn4j.distributed;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.train.Optimizer;
import org.nn4j.train.OptimizerOption;
import org.nn4j.train.OptimizerType;
import org.nn4j.train.Optimizers;

/** What an executor needs to rebuild the driver's optimizer: its name and options. */
record OptimizerSpec(String name, LinkedHashMap<String, Object> options) implements Serializable {

    static OptimizerSpec of(Optimizer optimizer) {
        Map<String, Object> settings = optimizer.settings();
        LinkedHashMap<String, Object> options = new LinkedHashMap<>();
        for (OptimizerOption option : type(optimizer.name()).options()) {
            options.put(option.name(), settings.getOrDefault(option.name(), option.defaultValue()));
        }
        return new OptimizerSpec(optimizer.name(), options);
    }

    /** A new optimizer of this kind for {@code parameters} (its learning rate is set before each use). */
    Optimizer build(Backend backend, List<Matrix> parameters) {
        return type(name).create(backend, parameters, 1e-3, options);
    }

    private static OptimizerType type(String name) {
        OptimizerType type = Optimizers.builtIn().type(name);
        if (type == null) {
            throw new IllegalArgumentException(Optimizers.builtIn().unknown(name));
        }
        return type;
    }
}
