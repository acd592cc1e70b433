package org.nn4j.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import java.util.Set;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.nn.spec.LayerType;
import org.nn4j.nn.spec.LossType;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Binds the {@link Backend} and {@link DType} a run uses, and the {@link ModuleRegistry} of layer types
 * and losses: those {@link java.util.ServiceLoader} finds, plus any bound into the sets of {@link
 * #layerTypes} and {@link #lossTypes} by another Guice module. The backend is chosen before the
 * injector is made, so a wrong choice fails with the selection's own message rather than inside Guice.
 */
public final class Nn4jModule extends AbstractModule {
    private final Backend backend;
    private final DType dtype;

    /** Binds {@code backend} and {@code dtype}. */
    public Nn4jModule(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    /**
     * Chooses backend and dtype in nn4j's one order: the explicit values (flags; either may be null),
     * then system properties, then environment variables, then the best available backend and
     * {@code defaultDType}.
     *
     * @throws org.nn4j.api.SettingException when a value names no usable backend or dtype
     */
    public static Nn4jModule select(String backendName, String dtypeName, DType defaultDType) {
        return select(backendName, dtypeName, defaultDType, "Nn4jModule.select's backendName",
                "Nn4jModule.select's dtypeName");
    }

    /**
     * As {@link #select(String, String, DType)}, messages naming the explicit values after {@code
     * backendSource} and {@code dtypeSource}, as the caller's user gave them (flags, say).
     */
    public static Nn4jModule select(String backendName, String dtypeName, DType defaultDType, String backendSource,
            String dtypeSource) {
        DType dtype = DType.select(dtypeName, defaultDType, dtypeSource);
        return new Nn4jModule(Backends.select(backendName, backendSource), dtype);
    }

    /**
     * The set another module adds a layer type to: {@code Nn4jModule.layerTypes(binder()).addBinding()
     * .to(MyLayer.Type.class)}.
     */
    public static Multibinder<LayerType> layerTypes(com.google.inject.Binder binder) {
        return Multibinder.newSetBinder(binder, LayerType.class);
    }

    /** The set another module adds a loss to, as {@link #layerTypes}. */
    public static Multibinder<LossType> lossTypes(com.google.inject.Binder binder) {
        return Multibinder.newSetBinder(binder, LossType.class);
    }

    @Override
    protected void configure() {
        bind(Backend.class).toInstance(backend);
        bind(DType.class).toInstance(dtype);
        layerTypes(binder());
        lossTypes(binder());
    }

    @Provides
    @Singleton
    ModuleRegistry registry(Set<LayerType> boundLayers, Set<LossType> boundLosses) {
        return ModuleRegistry.load().with(boundLayers, boundLosses);
    }
}
