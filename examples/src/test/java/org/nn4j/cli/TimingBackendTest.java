package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;

class TimingBackendTest {

    /** Conveniences that only call copyIn or copyOut, which are timed themselves. */
    private static final Set<String> COMPOSITIONS = Set.of("fromArray", "toArray");

    /**
     * A method left to the interface's default would time nothing of its own, and would bypass the
     * wrapped backend's version of it (a fused operation, say).
     */
    @Test
    void wrapsEveryOperationOfTheSpi() throws NoSuchMethodException {
        for (Method method : Backend.class.getMethods()) {
            if (COMPOSITIONS.contains(method.getName())) {
                continue;
            }
            Method wrapper = TimingBackend.class.getMethod(method.getName(), method.getParameterTypes());
            assertEquals(TimingBackend.class, wrapper.getDeclaringClass(), method.toString());
        }
    }
}
