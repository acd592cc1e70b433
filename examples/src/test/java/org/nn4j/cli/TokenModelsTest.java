package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.io.ModelFile;

/**
 * Models that start with an embedding, from the command line: a CSV of token ids trains (vocabulary
 * inferred and written into the saved spec), evaluates, predicts, resumes as an uninterrupted run, benches on
 * synthetic ids, and goes through {@code nn gradients}; PyTorch loads the saved file strictly and predicts
 * the same (where a python3 with torch is installed).
 */
class TokenModelsTest {
    private static final String SPEC = "{\"input\": [6], \"layers\": [{\"type\": \"embedding\", \"embedding_dim\": 4,"
            + " \"padding_idx\": 0}, {\"type\": \"positional_embedding\"}, {\"type\": \"linear\", \"out_features\": 5},"
            + " {\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 0.1}, %s,"
            + " {\"type\": \"linear\", \"out_features\": 3}]}";

    /** The spec, its steps ending in {@code sequence_pool} of {@code mode}, or in {@code flatten}. */
    private static String spec(String mode) {
        return String.format(SPEC, mode.equals("flatten") ? "{\"type\": \"flatten\"}"
                : "{\"type\": \"sequence_pool\", \"mode\": \"" + mode + "\"}");
    }

    @TempDir
    Path dir;

    /** Rows of 6 ids in [1, 40), right-padded with 0; the class is the first id's remainder by 3. */
    private Path tokens(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("t0,t1,t2,t3,t4,t5,label\n");
        for (int r = 0; r < rows; r++) {
            int length = 2 + random.nextInt(5);
            int first = 1 + random.nextInt(39);
            csv.append(first);
            for (int t = 1; t < 6; t++) {
                csv.append(',').append(t < length ? 1 + random.nextInt(39) : 0);
            }
            csv.append(',').append("c").append(first % 3).append('\n');
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    @Test
    void aTokenModelTrainsEvaluatesPredictsAndResumes() throws IOException {
        Path csv = tokens("train.csv", 300, 1);
        Path spec = Files.writeString(dir.resolve("spec.json"), spec("max"));
        Path full = dir.resolve("full.safetensors");
        Path part = dir.resolve("part.safetensors");
        String[] common = {"--csv", csv.toString(), "--label", "label", "--model", spec.toString(), "--backend", "ejml",
            "--batch-size", "32", "--quiet"};
        assertEquals(0, train(common, "--epochs", "3", "--out", full.toString()).code());
        NnRun first = train(common, "--epochs", "2", "--out", part.toString());
        assertEquals(0, first.code(), first.err());
        ModelFile.Loaded saved = ModelFile.load(full, Backends.select("ejml"));
        // The vocabulary, largest id + 1 of the training data, is in the saved spec.
        int vocabulary = saved.model().spec().layer(0).get("num_embeddings").asInt();
        assertTrue(vocabulary > 30 && vocabulary <= 40, "num_embeddings " + vocabulary);
        NnRun resumed = NnRun.of("train", "--resume", part.toString(), "--epochs", "3", "--csv", csv.toString(),
                "--label", "label", "--backend", "ejml", "--quiet");
        assertEquals(0, resumed.code(), resumed.err() + resumed.out());
        var a = saved.model().stateDict();
        var b = ModelFile.load(part, Backends.select("ejml")).model().stateDict();
        a.forEach((name, t) -> assertEquals(t, b.get(name), name + " after resuming"));

        NnRun evaluate = NnRun.of("evaluate", "--model", full.toString(), "--csv", csv.toString(), "--label", "label",
                "--backend", "ejml");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("accuracy"), evaluate.out());

        Path ids = Files.writeString(dir.resolve("ids.csv"), "3,5,0,0,0,0\n39,1,2,3,4,5\n");
        NnRun predict = NnRun.of("predict", "--model", full.toString(), "--input", ids.toString(), "--backend", "ejml");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(3, predict.out().lines().count(), predict.out());

        Path outside = Files.writeString(dir.resolve("outside.csv"), "3,5,0,0,0,0\n" + vocabulary + ",1,2,3,4,5\n");
        NnRun bad = NnRun.of("predict", "--model", full.toString(), "--input", outside.toString(), "--backend", "ejml");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("example 2 has token id " + vocabulary + " (step 1), outside"), bad.err());
        assertFalse(bad.err().strip().contains("\n"), bad.err());
    }

    @Test
    void aTokenModelValidatesAndAValidationIdOutsideTheVocabularyIsOneLine() throws IOException {
        Path csv = tokens("train.csv", 200, 3);
        Path spec = Files.writeString(dir.resolve("spec.json"), spec("mean"));
        NnRun run = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--model", spec.toString(),
                "--backend", "ejml", "--batch-size", "32", "--epochs", "3", "--val-fraction", "0.2", "--patience", "2");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("epoch 1: train loss") && run.out().contains("validation accuracy"), run.out());
        // The vocabulary comes from the training examples: an id of 99 among the validation ones is refused.
        Path validation = Files.writeString(dir.resolve("validation.csv"), "t0,t1,t2,t3,t4,t5,label\n"
                + "3,5,0,0,0,0,c0\n99,1,2,3,4,5,c0\n");
        NnRun bad = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--model", spec.toString(),
                "--backend", "ejml", "--epochs", "1", "--val-csv", validation.toString());
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("validation.csv") && bad.err().contains("token id 99"), bad.err());
        assertFalse(bad.err().strip().contains("\n"), bad.err());
    }

    @Test
    void benchRunsATokenModelOnSyntheticIds() throws IOException {
        Path spec = Files.writeString(dir.resolve("spec.json"), spec("mean"));
        NnRun bench = NnRun.of("bench", "--model", spec.toString(), "--backend", "ejml", "--warmup", "0", "--windows", "1",
                "--seconds", "0.2", "--batch-size", "16");
        assertEquals(0, bench.code(), bench.err());
    }

    @Test
    void gradientsTakeTokenIdsAndGiveNoInputGradient() throws IOException {
        Path file = Path.of("..", "nn-modules", "src", "test", "resources", "golden", "torch-sequences", "tokens",
                "case-000.json");
        NnRun run = NnRun.of("gradients", "--spec", file.toString(), "--backend", "ejml");
        assertEquals(0, run.code(), run.err());
        JsonNode out = new ObjectMapper().readTree(run.out());
        assertFalse(out.has("input_grad"));
        assertTrue(out.get("parameter_grads").has("0.weight"));
    }

    /** PyTorch loads the saved token model (each sequence_pool mode, or flatten) strictly (nn4j_torch.py) and predicts what nn predict does. */
    @Test
    void pyTorchLoadsATokenModelStrictlyAndPredictsTheSame() throws Exception {
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        for (String mode : List.of("mean", "max", "last", "flatten")) {
            Path csv = tokens("train-" + mode + ".csv", 120, 2);
            Path spec = Files.writeString(dir.resolve(mode + ".json"), spec(mode));
            Path model = dir.resolve(mode + ".safetensors");
            assertEquals(0, NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--model", spec.toString(),
                    "--backend", "ejml", "--epochs", "1", "--out", model.toString(), "--quiet").code());
            Path ids = Files.writeString(dir.resolve("ids-" + mode + ".csv"),
                    "3,5,0,0,0,0\n39,1,2,3,4,5\n7,0,0,0,0,0\n12,13,14,0,0,0\n");
            NnRun predict = NnRun.of("predict", "--model", model.toString(), "--input", ids.toString(), "--backend",
                    "ejml");
            assertEquals(0, predict.code(), predict.err());
            assertEquals(4, TorchInteropTest.assertPyTorchPredicts(python, model, ids, predict.out()), mode);
        }
    }

    private static NnRun train(String[] common, String... more) {
        String[] args = new String[common.length + more.length + 1];
        args[0] = "train";
        System.arraycopy(common, 0, args, 1, common.length);
        System.arraycopy(more, 0, args, 1 + common.length, more.length);
        return NnRun.of(args);
    }
}
