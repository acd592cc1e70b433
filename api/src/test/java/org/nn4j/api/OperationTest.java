package org.nn4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationTest {

    /** Backend's methods that are not operations: what it is, what it reports, and two conveniences. */
    private static final Set<String> NOT_OPERATIONS = Set.of("name", "nativeOperations", "fromArray", "toArray");

    @Test
    void everyMethodOfTheSpiIsOneOperationAndEveryOperationAMethod() {
        Set<Operation> seen = EnumSet.noneOf(Operation.class);
        for (Method method : Backend.class.getMethods()) {
            if (NOT_OPERATIONS.contains(method.getName())) {
                continue;
            }
            Operation operation = Operation.byMethod(method.getName());
            assertEquals(method.getName(), operation == null ? null : operation.method(), method.toString());
            seen.add(operation);
        }
        assertEquals(EnumSet.allOf(Operation.class), seen);
    }

    @Test
    void namesAreTheMethodsNames() {
        assertEquals("maxPool2dBackward", Operation.MAX_POOL2D_BACKWARD.method());
        assertEquals("im2col", Operation.IM2COL.toString());
        assertEquals(Operation.LOG_SUM_EXP_ROWS, Operation.byMethod("logSumExpRows"));
        assertNull(Operation.byMethod("fromArray"));
    }
}
