package org.nn4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinRulesTest {

    @Test
    void doublesBecomeFloatsButWideOnesStay() {
        assertEquals("static @Wide double sum(float[] a, @Wide double scale) { float x = (@Round float) scale; }",
                TwinRules.translate(
                        "static @Wide double sum(double[] a, @Wide double scale) { double x = (@Round double) scale; }"));
        assertEquals("float[] from, float[] to", TwinRules.translate("float[] from, double[] to"));
    }

    @Test
    void namesFollowTheirDtype() {
        assertEquals("FloatVector", TwinRules.name("DoubleVector"));
        assertEquals("putFloat", TwinRules.name("putDouble"));
        assertEquals("floats", TwinRules.name("doubles"));
        assertEquals("floatView", TwinRules.name("doubleView"));
        assertEquals("floatToRawIntBits", TwinRules.name("doubleToRawLongBits"));
        assertEquals("reinterpretAsInts", TwinRules.name("reinterpretAsLongs"));
        assertEquals("FMatrixRMaj", TwinRules.name("DMatrixRMaj"));
        assertEquals("CommonOps_FDRM", TwinRules.name("CommonOps_DDRM"));
        assertEquals("cblas_sgemm", TwinRules.name("cblas_dgemm"));
        assertEquals("HostKernels32", TwinRules.name("HostKernels64"));
        assertEquals("FLOAT32", TwinRules.name("FLOAT64"));
        assertEquals("STEP_FLOAT32", TwinRules.name("STEP_FLOAT64"));
        assertEquals("Float32Ops", TwinRules.name("Float64Ops"));
        assertEquals("f32", TwinRules.name("f64"));
        assertEquals("gemm", TwinRules.name("gemm"));
        assertEquals("Float", TwinRules.name("Float"));
        assertEquals("floats", TwinRules.name("floats"));
    }

    @Test
    void floatingLiteralsBecomeFloatLiteralsAndWholeNumbersStay() {
        assertEquals("x = 0.0f + 1e-5f + 0x1p-3f + 2.5f + 7 + 10L + 0x1f + 3f;",
                TwinRules.translate("x = 0.0 + 1e-5 + 0x1p-3 + 2.5d + 7 + 10L + 0x1f + 3f;"));
        assertEquals("a[i * 8] + x2 + B32[1]", TwinRules.translate("a[i * 8] + x2 + B64[1]"));
    }

    @Test
    void commentsAndStringsAreRenamedButTheirNumbersStay() {
        assertEquals("// float32 arrays of 64-bit alignment, a 2x2 window\nString s = \"VectorGemm32\";",
                TwinRules.translate("// float64 arrays of 64-bit alignment, a 2x2 window\nString s = \"VectorGemm64\";"));
        assertEquals("/** {@link #gather(float[], int)} in 1.0 steps */ y = 1.0f;",
                TwinRules.translate("/** {@link #gather(double[], int)} in 1.0 steps */ y = 1.0;"));
        assertEquals("c = 'd'; s = \"\\\"double\\\"\";", TwinRules.translate("c = 'd'; s = \"\\\"double\\\"\";")
                .replace("float", "double"));
    }

    @Test
    void twinsAreWrittenBesideNothingHandWrittenAndStaleOnesGo(@TempDir Path dir) throws IOException {
        Path sources = dir.resolve("src");
        Path output = dir.resolve("out");
        Path kernels = sources.resolve("org/example/Kernels64.java");
        Files.createDirectories(kernels.getParent());
        Files.writeString(kernels, "package org.example;\nfinal class Kernels64 { double x; }\n");
        Files.writeString(sources.resolve("org/example/Plain.java"), "class Plain { double y; }\n");
        List<Path> written = Float32Twins.generate(sources, output);
        Path twin = output.resolve("org/example/Kernels32.java");
        assertEquals(List.of(twin), written);
        String text = Files.readString(twin);
        assertTrue(text.startsWith("// Generated at build time by org.nn4j.codegen.Float32Twins from Kernels64.java"));
        assertTrue(text.endsWith("package org.example;\nfinal class Kernels32 { float x; }\n"), text);
        assertEquals(List.of(), Float32Twins.generate(sources, output), "an unchanged twin is not rewritten");

        Files.delete(kernels);
        Float32Twins.generate(sources, output);
        assertFalse(Files.exists(twin), "the twin of a source that is gone");

        Files.writeString(kernels, "final class Kernels64 {}\n");
        Files.writeString(sources.resolve("org/example/Kernels32.java"), "final class Kernels32 {}\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Float32Twins.generate(sources, output));
        assertTrue(refused.getMessage().endsWith("Kernels32.java is generated from Kernels64.java at build time;"
                + " remove the hand-written one"), refused.getMessage());
    }
}
