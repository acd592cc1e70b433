package org.nn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendsTest {

    private static final BackendProvider FAST = new FakeProvider("fast", 20,
            Availability.unavailable("no GPU driver found"));
    private static final BackendProvider SLOW = new FakeProvider("slow", 10, Availability.available("pure Java"));
    private static final BackendProvider OTHER = new FakeProvider("other", 5, Availability.available("also Java"));
    private static final List<BackendProvider> PROVIDERS = List.of(FAST, SLOW, OTHER);

    @AfterEach
    void clearProperty() {
        System.clearProperty(Backends.PROPERTY);
    }

    @Test
    void withNothingNamedTheAvailableProviderOfHighestPriorityWins() {
        assertEquals(SLOW, Backends.choose(null, PROVIDERS, name -> null));
    }

    @Test
    void anExplicitNameBeatsPropertyAndEnvironment() {
        System.setProperty(Backends.PROPERTY, "slow");
        assertEquals(OTHER, Backends.choose("OTHER", PROVIDERS, Map.of(Backends.ENVIRONMENT, "slow")::get));
    }

    @Test
    void thePropertyBeatsTheEnvironment() {
        System.setProperty(Backends.PROPERTY, "other");
        assertEquals(OTHER, Backends.choose(null, PROVIDERS, Map.of(Backends.ENVIRONMENT, "slow")::get));
    }

    @Test
    void theEnvironmentIsUsedLast() {
        assertEquals(OTHER, Backends.choose(" ", PROVIDERS, Map.of(Backends.ENVIRONMENT, "other")::get));
    }

    @Test
    void anUnknownNameListsEveryBackendAndWhereTheNameCameFrom() {
        SettingException error = assertThrows(SettingException.class,
                () -> Backends.choose(null, PROVIDERS, Map.of(Backends.ENVIRONMENT, "tpu")::get));
        String message = error.getMessage();
        assertTrue(message.startsWith("unknown backend 'tpu' (from environment variable NN4J_BACKEND)"), message);
        assertTrue(message.contains("fast") && message.contains("no GPU driver found"), message);
        assertTrue(message.contains("slow (available: pure Java)") && message.contains("other"), message);
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void anUnavailableBackendSaysWhy() {
        SettingException error = assertThrows(SettingException.class,
                () -> Backends.choose("fast", PROVIDERS, name -> null));
        assertTrue(error.getMessage().startsWith(
                "backend 'fast' (from --backend) is unavailable: no GPU driver found"), error.getMessage());
    }

    @Test
    void noAvailableBackendIsAnError() {
        SettingException error = assertThrows(SettingException.class,
                () -> Backends.choose(null, List.of(FAST), name -> null));
        assertTrue(error.getMessage().startsWith("no backend is available"), error.getMessage());
    }

    @Test
    void statusHasOneLinePerProvider() {
        String status = Backends.status(PROVIDERS);
        assertEquals(4, status.lines().count(), status);
        assertTrue(status.lines().anyMatch(l -> l.contains("fast") && l.contains("unavailable")), status);
    }

    @Test
    void dtypeFollowsTheSameOrderAndNamesItsSource() {
        assertEquals(DType.FLOAT64, DType.select(null, DType.FLOAT64));
        assertEquals(DType.FLOAT32, DType.select("Float32", DType.FLOAT64));
        System.setProperty(DType.PROPERTY, "float32");
        try {
            assertEquals(DType.FLOAT32, DType.select(null, DType.FLOAT64));
            SettingException error = assertThrows(SettingException.class, () -> DType.select("half", DType.FLOAT64));
            assertEquals("unknown dtype 'half' (from DType.select); expected float32 or float64", error.getMessage());
            assertEquals("unknown dtype 'half' (from --dtype); expected float32 or float64", assertThrows(
                    SettingException.class, () -> DType.select("half", DType.FLOAT64, "--dtype")).getMessage());
        } finally {
            System.clearProperty(DType.PROPERTY);
        }
    }

    private record FakeProvider(String name, int priority, Availability availability) implements BackendProvider {
        @Override
        public String description() {
            return "a test double";
        }

        @Override
        public Backend create() {
            throw new UnsupportedOperationException("not needed here");
        }
    }
}
