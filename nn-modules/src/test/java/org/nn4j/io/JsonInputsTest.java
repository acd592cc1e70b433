package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nn4j.nn.spec.ModelSpec;

/** Every JSON text nn4j reads holds one value and nothing after it: a second object is refused, not ignored. */
class JsonInputsTest {
    private static final String SPEC = "{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 3}]}";

    private static String messageOf(String json) {
        return assertThrows(InvalidInputException.class, () -> InputFiles.json(json, "x.json")).getMessage();
    }

    @Test
    void oneValueWithWhiteSpaceAroundIsRead() {
        assertEquals(2, InputFiles.json(" \n" + SPEC + " \t\r\n\n", "x.json").get("input").get(0).asInt());
        assertEquals(3, InputFiles.json("[1, 2, 3]", "x.json").size());
        assertTrue(InputFiles.json("", "x.json").isMissingNode());
    }

    @Test
    void textAfterTheObjectIsRefusedWithItsPlace() {
        assertEquals("x.json: text after the JSON object, at line 1, column " + (SPEC.length() + 2) + ": 'trailing';"
                + " expected one JSON object and nothing after it", messageOf(SPEC + " trailing"));
        assertEquals("x.json: text after the JSON object, at line 3, column 1: '{\"input\": [3]}'; expected one JSON"
                + " object and nothing after it", messageOf(SPEC + "\n\n{\"input\": [3]}\n"));
        assertEquals("x.json: text after the JSON value, at line 1, column 4: ']'; expected one JSON value and"
                + " nothing after it", messageOf("[1]]"));
        assertTrue(messageOf(SPEC + "}").contains("at line 1, column " + (SPEC.length() + 1) + ": '}'"));
    }

    @Test
    void malformedJsonIsStillSaidAsBefore() {
        assertTrue(messageOf("{\"input\": [2],").startsWith("x.json: malformed JSON at line 1, column"));
    }

    @Test
    void specsAndGradientCasesRefuseASecondObject() {
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelSpec.parse(SPEC + " " + SPEC, "spec.json"))
                .getMessage().startsWith("spec.json: text after the JSON object, at line 1, column "));
        assertTrue(assertThrows(InvalidInputException.class, () -> GradientCase.parse("{} {}", "case.json"))
                .getMessage().startsWith("case.json: text after the JSON object, at line 1, column 4"));
    }

    @Test
    void aSafetensorsHeaderMayBePaddedWithSpacesButHoldNothingElse() {
        assertEquals(0, Safetensors.read(file("{}      "), "m.safetensors").tensors().size());
        String message = assertThrows(InvalidInputException.class,
                () -> Safetensors.read(file("{} {\"a\": 1}  "), "m.safetensors")).getMessage();
        assertEquals("m.safetensors: text after the header's JSON object, at byte 11", message);
    }

    private static byte[] file(String header) {
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + head.length).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).put(head)
                .array();
    }
}
