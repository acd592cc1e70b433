package org.nn4j.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import org.junit.jupiter.api.Test;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.DType;
import org.nn4j.api.SettingException;
import org.nn4j.nn.losses.MeanSquaredError;
import java.util.List;
import org.nn4j.nn.Model;
import org.nn4j.nn.Module;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.layers.Flatten;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;
import org.nn4j.nn.spec.ModelSpec;

class Nn4jModuleTest {

    @Test
    void theChosenBackendAndDtypeReachTheNetwork() {
        Injector injector = Guice.createInjector(Nn4jModule.select("ejml", "float64", DType.FLOAT32));
        NetworkFactory factory = injector.getInstance(NetworkFactory.class);
        Model model = factory.model(ModelSpec.builder(2).layer("linear", "out_features", 3).layer("relu")
                .layer("linear", "out_features", 1).loss("mse").build(), 1);
        assertEquals("ejml", model.backend().name());
        assertEquals(DType.FLOAT64, model.dtype());
        Model typed = factory.model(Shape.of(2), new Sequential(new Linear(factory.backend(), factory.dtype(), 2, 3),
                new ActivationLayer(factory.backend(), ActivationKind.RELU),
                new Linear(factory.backend(), factory.dtype(), 3, 1)), factory.loss("mse"), 1);
        assertEquals(model.spec().toJson(), typed.spec().toJson());
        assertEquals(model.stateDict(), typed.stateDict());
        assertEquals(MeanSquaredError.class, factory.loss("mse").getClass());
    }

    /** A layer type known only to Guice: the identity with a name of its own. */
    public static final class Passthrough implements LayerType {
        @Override
        public String name() {
            return "passthrough";
        }

        @Override
        public String description() {
            return "the identity, bound by Guice";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            return new Flatten();
        }
    }

    @Test
    void aLayerTypeBoundByGuiceBuildsIntoAnInjectedFactorysModels() {
        Injector injector = Guice.createInjector(Nn4jModule.select("ejml", "float64", DType.FLOAT32),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        Nn4jModule.layerTypes(binder()).addBinding().to(Passthrough.class);
                    }
                });
        NetworkFactory factory = injector.getInstance(NetworkFactory.class);
        assertTrue(factory.registry().layerTypes().containsKey("passthrough"));
        assertTrue(factory.registry().layerTypes().containsKey("linear"), "ServiceLoader's types stay");
        Model model = factory.model(ModelSpec.parse("{\"input\": [3], \"layers\": [{\"type\": \"passthrough\"},"
                + " {\"type\": \"linear\", \"out_features\": 2}], \"loss\": \"mse\"}", "spec"), 1);
        assertEquals(List.of("1.weight", "1.bias"), List.copyOf(model.parameters().keySet()));
        assertEquals(DType.FLOAT64, model.dtype());
        assertEquals("ejml", model.backend().name());
        assertTrue(Guice.createInjector(Nn4jModule.select("ejml", null, DType.FLOAT32))
                .getInstance(NetworkFactory.class).registry().layerType("passthrough") == null);
    }

    @Test
    void theDefaultDtypeAppliesWhenNoneIsNamed() {
        Injector injector = Guice.createInjector(Nn4jModule.select("ejml", null, DType.FLOAT32));
        assertEquals(DType.FLOAT32, injector.getInstance(DType.class));
    }

    @Test
    void anUnknownBackendFailsBeforeGuiceWithTheListOfBackends() {
        SettingException error = assertThrows(SettingException.class,
                () -> Nn4jModule.select("tpu", null, DType.FLOAT32));
        assertTrue(error.getMessage().contains("unknown backend 'tpu' (from Nn4jModule.select's backendName)"),
                error.getMessage());
        SettingException fromFlag = assertThrows(SettingException.class,
                () -> Nn4jModule.select("tpu", null, DType.FLOAT32, "--backend", "--dtype"));
        assertTrue(fromFlag.getMessage().contains("unknown backend 'tpu' (from --backend)"), fromFlag.getMessage());
        assertTrue(error.getMessage().contains("ejml"), error.getMessage());
    }
}
