package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nn bench's report, on a small network and short windows so that the test stays quick. */
class BenchCommandTest {

    @Test
    void benchReportsSpeedGemmShareAllocationAndStartUpAsJson() throws Exception {
        NnRun run = NnRun.of("bench", "--backend", "ejml", "--hidden", "16", "--windows", "2", "--seconds", "0.2",
                "--warmup", "0.2", "--json");
        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NeuralNetwork(784-16-10, relu, float32, ejml), adam, batch 128"),
                lines.get(0));
        assertTrue(run.out().contains("time in GEMM: "), run.out());
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertTrue(json.get("samples_per_second").asDouble() > 0);
        double share = json.get("gemm_share").asDouble();
        assertTrue(share > 0 && share < 1, "gemm share " + share);
        // A training step reuses its buffers: no garbage per batch beyond a few bytes.
        long allocated = json.get("bytes_per_batch").asLong();
        assertTrue(allocated >= 0 && allocated < 1024, allocated + " bytes per batch");
        assertTrue(json.get("startup_seconds").asDouble() > 0);
        assertEquals("ejml", json.get("backend").asText());
        assertEquals("float32", json.get("dtype").asText());
    }

    @Test
    void benchRejectsImpossibleSettings() {
        NnRun run = NnRun.of("bench", "--backend", "ejml", "--batch-size", "0");
        assertEquals(Main.BAD_INPUT, run.code());
        assertTrue(run.err().startsWith("nn bench: --batch-size must lie in 1..8192"), run.err());
        run = NnRun.of("bench", "--activation", "swish");
        assertEquals(Main.BAD_INPUT, run.code());
        assertTrue(run.err().startsWith("nn bench: unknown --activation 'swish'"), run.err());
    }

    @Test
    void benchTakesAModelSpec() throws Exception {
        java.nio.file.Path spec = java.nio.file.Files.createTempFile("spec", ".json");
        java.nio.file.Files.writeString(spec, "{\"input\": [20], \"layers\": [{\"type\": \"linear\", \"out_features\":"
                + " 8}, {\"type\": \"batchnorm1d\"}, {\"type\": \"leaky_relu\"}, {\"type\": \"dropout\", \"p\": 0.5},"
                + " {\"type\": \"linear\", \"out_features\": 3}]}");
        NnRun run = NnRun.of("bench", "--backend", "ejml", "--model", spec.toString(), "--windows", "2", "--seconds",
                "0.2", "--warmup", "0.2", "--json");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().lines().findFirst().orElse("").startsWith("Model([20] linear(out_features=8) batchnorm1d"),
                run.out());
        List<String> lines = run.out().lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertTrue(json.get("samples_per_second").asDouble() > 0);
        java.nio.file.Files.delete(spec);
    }
}
