package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * The optimizer state beside a model file: any size, never taken from another save, and a model file
 * with the state it names after a crash at any point of a save.
 */
class OptimizerStateFileTest {
    @TempDir
    Path dir;

    private final Backend backend = Backends.select("ejml");

    private Model model(int in, int out, DType dtype) {
        String spec = "{\"input\": [" + in + "], \"layers\": [{\"type\": \"linear\", \"out_features\": " + out + "}]}";
        return ModuleRegistry.builtIn().build(ModelSpec.parse(spec, "spec"), backend, dtype, 3, "spec");
    }

    /** Adam-like state of two slots, each value a function of the save, the slot and its index. */
    private Map<String, List<Matrix>> state(Model model, int save) {
        Map<String, List<Matrix>> state = new LinkedHashMap<>();
        for (String slot : List.of("m", "v")) {
            List<Matrix> perParameter = new ArrayList<>();
            for (Matrix p : model.parameterValues()) {
                double[] values = new double[p.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = expected(save, slot, i);
                }
                perParameter.add(backend.fromArray(model.dtype(), p.rows(), p.cols(), values));
            }
            state.put(slot, perParameter);
        }
        return state;
    }

    private static double expected(int save, String slot, int i) {
        return (float) (save + (slot.equals("m") ? 0.5 : 0.25) * (i % 1000) / 1000.0);
    }

    private void save(Path file, Model model, int save) throws IOException {
        ModelFile.save(file, model, classes(model), null, state(model, save), Map.of("save", save));
    }

    private static List<String> classes(Model model) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < model.outputSize(); i++) {
            names.add("c" + i);
        }
        return names;
    }

    /** Which save's state {@code file}'s optimizer state is (checked on every value of the first slot). */
    private int stateSave(Path file) {
        Map<String, List<double[]>> state = ModelFile.load(file, backend).optimizerState();
        double first = state.get("m").get(0)[0];
        int save = (int) Math.round(first);
        for (String slot : List.of("m", "v")) {
            for (double[] values : state.get(slot)) {
                for (int i = 0; i < values.length; i += 97) {
                    assertEquals(expected(save, slot, i), values[i], slot + "[" + i + "]");
                }
            }
        }
        return save;
    }

    @Test
    void tenMillionParametersWithAdamStateAreWrittenAndReadBack() throws IOException {
        Model model = model(1000, 10_000, DType.FLOAT32);
        assertEquals(10_010_000, model.parameterValues().stream().mapToLong(Matrix::size).sum());
        Path file = dir.resolve("large.safetensors");
        save(file, model, 7);
        // The model file holds the state_dict alone; the state (twice as large) lies beside it.
        assertTrue(Files.size(file) < 40_040_000 + 200_000, Files.size(file) + " bytes (10,000 class names in the header)");
        assertTrue(Files.size(OptimizerStateFile.of(file)) > 80_000_000);
        ModelFile.Loaded loaded = ModelFile.load(file, backend);
        assertArrayEquals(backend.toArray(model.parameterValues().get(0)),
                backend.toArray(loaded.model().parameterValues().get(0)));
        assertEquals(7, stateSave(file));
        assertEquals(List.of("m", "v"), List.copyOf(loaded.optimizerState().keySet()));
    }

    @Test
    void aFloat64ModelOfAMillionParametersWithItsStateLoadsBack() throws IOException {
        Model model = model(1070, 1000, DType.FLOAT64);
        Path file = dir.resolve("f64.safetensors");
        save(file, model, 2);
        assertEquals(2, stateSave(file));
    }

    @Test
    void eachSaveReplacesTheStateAndLeavesNoOtherFile() throws IOException {
        Model model = model(6, 3, DType.FLOAT64);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 1);
        save(file, model, 2);
        assertEquals(2, stateSave(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("m.safetensors", "m.safetensors.optimizer"),
                    listing.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // Saved without state: the old state file belongs to no model and goes.
        ModelFile.save(file, model, classes(model), null, Map.of(), Map.of());
        assertFalse(Files.exists(OptimizerStateFile.of(file)));
        assertTrue(ModelFile.load(file, backend).optimizerState().isEmpty());
    }

    @Test
    void aCrashAfterTheModelFileWasRenamedKeepsItsStateAndTheNextSaveFinishesTheJob() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 1);
        // Save 2 stopped after renaming the model file: its state is still under the pending name.
        Path other = Files.createDirectories(dir.resolve("other")).resolve("m.safetensors");
        save(other, model, 2);
        Files.copy(other, file, StandardCopyOption.REPLACE_EXISTING);
        Path pending = OptimizerStateFile.savedFiles(file).get(2);
        Files.copy(OptimizerStateFile.of(other), pending);
        assertEquals(2, stateSave(file));
        save(file, model, 3);
        assertEquals(3, stateSave(file));
        assertFalse(Files.exists(pending));
    }

    @Test
    void aCrashBeforeTheModelFileWasRenamedKeepsThePreviousPair() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 1);
        Path other = Files.createDirectories(dir.resolve("other")).resolve("m.safetensors");
        save(other, model, 2);
        Path pending = OptimizerStateFile.savedFiles(file).get(2);
        Files.copy(OptimizerStateFile.of(other), pending);
        assertEquals(1, stateSave(file), "the model file names the state it was saved with");
        save(file, model, 3);
        assertEquals(3, stateSave(file));
        assertFalse(Files.exists(pending));
    }

    @Test
    void aMissingStateFileOrOneOfAnotherSaveIsNamedWhenTheStateIsAskedFor() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 1);
        Path stateFile = OptimizerStateFile.of(file);
        Path other = Files.createDirectories(dir.resolve("other")).resolve("m.safetensors");
        save(other, model, 2);
        Files.copy(OptimizerStateFile.of(other), stateFile, StandardCopyOption.REPLACE_EXISTING);
        ModelFile.Loaded loaded = ModelFile.load(file, backend);
        assertEquals(3, loaded.model().outputSize(), "the model itself loads");
        assertEquals(file + ": its optimizer state file " + stateFile + " is from another save (its checksum is not the"
                + " one the model records); the model loads for evaluation and prediction, but its training resumes"
                + " only with the state file it was saved with",
                assertThrows(InvalidInputException.class, loaded::optimizerState).getMessage());
        Files.delete(stateFile);
        assertTrue(assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend).optimizerState())
                .getMessage().contains(stateFile + " is missing;"));
    }

    @Test
    void aStateFileFollowsAModelFileThatWasRenamed() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 4);
        Path renamed = dir.resolve("best.safetensors");
        Files.move(file, renamed);
        assertEquals(4, stateSave(renamed), "the model file names its state file");
    }

    @Test
    void aDamagedStateFileIsNamed() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m.safetensors");
        save(file, model, 1);
        Path stateFile = OptimizerStateFile.of(file);
        byte[] bytes = Files.readAllBytes(stateFile);
        bytes[bytes.length - 2] ^= 4;
        Files.write(stateFile, bytes);
        String message = assertThrows(InvalidInputException.class, () -> ModelFile.load(file, backend)
                .optimizerState()).getMessage();
        assertTrue(message.startsWith(stateFile + ": checksum mismatch: "), message);
    }

    @Test
    void stateKeptInTheMetadataByEarlierVersionsStillLoads() throws IOException {
        Model model = model(3, 2, DType.FLOAT64);
        Path file = dir.resolve("old.safetensors");
        ModelFile.save(file, model, classes(model), null, Map.of(), Map.of());
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = new LinkedHashMap<>(contents.metadata());
        StringBuilder slot = new StringBuilder("{\"velocity\": {");
        String separator = "";
        for (Map.Entry<String, org.nn4j.nn.Parameter> p : model.parameters().entrySet()) {
            double[] values = new double[p.getValue().value().size()];
            java.util.Arrays.fill(values, 0.125);
            slot.append(separator).append('"').append(p.getKey()).append("\": \"")
                    .append(Base64.getEncoder().encodeToString(Safetensors.bytes("F64", values))).append('"');
            separator = ", ";
        }
        metadata.put("nn4j.optimizer_state", slot.append("}}").toString());
        Safetensors.write(file, contents.tensors(), metadata);
        List<double[]> velocity = ModelFile.load(file, backend).optimizerState().get("velocity");
        assertEquals(2, velocity.size());
        assertEquals(0.125, velocity.get(1)[1]);
    }

    @Test
    void aModelFileOfALongNameGetsAStateFileWhoseNamesFit() throws IOException {
        Model model = model(6, 3, DType.FLOAT32);
        Path file = dir.resolve("m".repeat(243) + ".safetensors");
        save(file, model, 5);
        Path stateFile = OptimizerStateFile.of(file);
        String name = stateFile.getFileName().toString();
        assertTrue(name.matches("m{180}-[0-9a-f]{8}\\.optimizer"), name);
        assertTrue(Files.exists(stateFile));
        assertEquals(5, stateSave(file));
        assertEquals(dir.resolve("short.safetensors.optimizer"), OptimizerStateFile.of(dir.resolve("short.safetensors")));
    }
}
