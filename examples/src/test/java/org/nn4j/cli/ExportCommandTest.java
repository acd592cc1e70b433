package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.io.ModelFile;
import org.nn4j.onnx.OnnxExport;

/** nn export: the file OnnxExport writes, and bad input told in one line with the output left as it was. */
class ExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheModelsOnnxGraph() throws IOException {
        Path spec = dir.resolve("m.json");
        Files.writeString(spec, "{\"input\": [3], \"layers\": [{\"type\": \"linear\", \"out_features\": 4},"
                + " {\"type\": \"gelu\"}, {\"type\": \"linear\", \"out_features\": 2}]}");
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "a,b,c,y\n1,2,3,x\n2,3,1,z\n3,1,2,x\n1,1,1,z\n");
        Path model = dir.resolve("m.safetensors");
        NnRun trained = NnRun.of("train", "--csv", csv.toString(), "--label", "y", "--model", spec.toString(),
                "--epochs", "1", "--test-fraction", "0.25", "--backend", "ejml", "--out", model.toString());
        assertEquals(0, trained.code(), trained.err());
        Path onnx = dir.resolve("m.onnx");
        NnRun exported = NnRun.of("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, exported.code(), exported.err());
        assertTrue(exported.out().startsWith("wrote " + onnx + " (ONNX opset 17, "), exported.out());
        assertArrayEquals(OnnxExport.toBytes(ModelFile.load(model, Backends.select("ejml"))),
                Files.readAllBytes(onnx));
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws IOException {
        Path onnx = dir.resolve("out.onnx");
        Files.writeString(onnx, "kept");
        NnRun missing = NnRun.of("export", "--model", dir.resolve("none.safetensors").toString(), "--onnx",
                onnx.toString());
        assertEquals(2, missing.code(), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("nn export: " + dir.resolve("none.safetensors")), missing.err());
        assertEquals("kept", Files.readString(onnx));
        NnRun noOutput = NnRun.of("export", "--model", onnx.toString());
        assertEquals(2, noOutput.code());
        assertTrue(noOutput.err().contains("--onnx"), noOutput.err());
        NnRun sameFile = NnRun.of("export", "--model", onnx.toString(), "--onnx", onnx.toString());
        assertEquals(2, sameFile.code());
        assertFalse(sameFile.err().contains("Exception"), sameFile.err());
        assertEquals("kept", Files.readString(onnx));
    }
}
