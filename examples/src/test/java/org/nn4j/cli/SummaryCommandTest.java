package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nn summary of a spec and of a model file; nn train prints the same table. */
class SummaryCommandTest {
    @TempDir
    Path dir;

    @Test
    void specAndModelFileGiveTheSameTable() throws IOException {
        Path spec = dir.resolve("m.json");
        Files.writeString(spec, "{\"input\": [3], \"layers\": [{\"type\": \"Linear\", \"out_features\": 4},"
                + " {\"type\": \"ReLU\"}, {\"type\": \"linear\", \"out_features\": 2}], \"loss\": \"CrossEntropyLoss\"}");
        NnRun fromSpec = NnRun.of("summary", "--model", spec.toString(), "--backend", "ejml");
        assertEquals(0, fromSpec.code(), fromSpec.err());
        assertEquals(String.join("\n",
                "layer                     output shape  parameters",
                "input                     [3]",
                "0 linear(out_features=4)  [4]           16",
                "1 relu                    [4]           0",
                "2 linear(out_features=2)  [2]           10",
                "26 parameters, 0 buffer values; loss softmax_cross_entropy, float32"), fromSpec.out().strip());
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "a,b,c,y\n1,2,3,x\n2,3,1,z\n3,1,2,x\n1,1,1,z\n");
        Path model = dir.resolve("m.safetensors");
        NnRun trained = NnRun.of("train", "--csv", csv.toString(), "--label", "y", "--model", spec.toString(),
                "--epochs", "1", "--test-fraction", "0.25", "--backend", "ejml", "--out", model.toString());
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.out().contains("  26 parameters, 0 buffer values"), trained.out());
        NnRun fromFile = NnRun.of("summary", "--model", model.toString(), "--backend", "ejml");
        assertEquals(fromSpec.out(), fromFile.out());
    }
}
