package org.nn4j.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.junit.jupiter.api.Test;
import org.nn4j.api.DType;
import org.nn4j.api.SettingException;
import org.nn4j.nn.MeanSquaredError;
import org.nn4j.nn.NeuralNetwork;

class Nn4jModuleTest {

    @Test
    void theChosenBackendAndDtypeReachTheNetwork() {
        Injector injector = Guice.createInjector(Nn4jModule.select("ejml", "float64", DType.FLOAT32));
        NetworkFactory factory = injector.getInstance(NetworkFactory.class);
        NeuralNetwork network = factory.network().inputSize(2).hiddenSizes(3).outputSize(1).build();
        assertEquals("ejml", network.backend().name());
        assertEquals(DType.FLOAT64, network.dtype());
        assertEquals(MeanSquaredError.class, factory.loss("mse").getClass());
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
        assertTrue(error.getMessage().contains("unknown backend 'tpu' (from --backend)"), error.getMessage());
        assertTrue(error.getMessage().contains("ejml"), error.getMessage());
    }
}
