package org.nn4j.cli;

import java.util.List;
import org.nn4j.nn.Module;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/** A layer type whose constructor throws, as one that needs a library the machine lacks might. */
public final class ThrowingLayerType implements LayerType {

    public ThrowingLayerType() {
        throw new IllegalStateException("libfancy.so is not on this machine");
    }

    @Override
    public String name() {
        return "fancy";
    }

    @Override
    public String description() {
        return "never made";
    }

    @Override
    public List<HyperParameter> hyperParameters() {
        return List.of();
    }

    @Override
    public Module create(LayerConfig config) {
        throw new UnsupportedOperationException();
    }
}
