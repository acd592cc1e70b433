package org.nn4j.backend.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nn4j.api.SettingException;

class ThreadsTest {

    @Test
    void threadsComeFromTheFlagOrThePropertyAndMustBePositive() {
        assertEquals(java.util.OptionalInt.of(3), Threads.select("3"));
        System.setProperty(Threads.PROPERTY, "2");
        try {
            assertEquals(java.util.OptionalInt.of(2), Threads.select(null));
            SettingException error = assertThrows(SettingException.class, () -> Threads.select("0"));
            assertEquals("threads must be a whole number of at least 1, not '0' (from Threads.select)",
                    error.getMessage());
            assertEquals("threads must be a whole number of at least 1, not '0' (from --threads)", assertThrows(
                    SettingException.class, () -> Threads.select("0", "--threads")).getMessage());
            System.setProperty(Threads.PROPERTY, "many");
            error = assertThrows(SettingException.class, () -> Threads.select(null));
            assertEquals("threads must be a whole number of at least 1, not 'many' (from system property nn4j.threads)",
                    error.getMessage());
        } finally {
            System.clearProperty(Threads.PROPERTY);
        }
    }

    @Test
    void aRequestOnThisThreadWinsAndStaysOnThisThread() throws InterruptedException {
        System.setProperty(Threads.PROPERTY, "2");
        try {
            Threads.request(1);
            assertEquals(java.util.OptionalInt.of(1), Threads.select("4"));
            java.util.OptionalInt[] elsewhere = new java.util.OptionalInt[1];
            Thread other = new Thread(() -> elsewhere[0] = Threads.select(null));
            other.start();
            other.join();
            assertEquals(java.util.OptionalInt.of(2), elsewhere[0]);
            Threads.request(0);
            assertEquals(java.util.OptionalInt.of(2), Threads.select(null));
            assertEquals("threads must not be negative, not -1",
                    assertThrows(IllegalArgumentException.class, () -> Threads.request(-1)).getMessage());
        } finally {
            Threads.request(0);
            System.clearProperty(Threads.PROPERTY);
        }
    }
}
