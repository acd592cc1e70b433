package org.nn4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;

/**
 * The optimizer state saved with a model file, in a file of its own beside it: only a resumed run
 * needs it, and it is as large as the model (SGD's velocity) or twice as large (Adam's {@code m} and
 * {@code v}), so it stays out of the model file's header and out of the tensors PyTorch loads. Its
 * name is the model file's and {@code .optimizer} ({@link #of}); it is a safetensors file ({@value
 * #FORMAT}) of one tensor per slot and parameter, {@code m.0.weight}, in the model's dtype and
 * PyTorch's layout. The model file names it and records its checksum under {@value #KEY}, so that the
 * state file of another save is never taken for this one's, and a model file that was renamed still
 * finds it.
 *
 * <p>A save writes the state under a pending name ({@code .optimizer.next}), then the model file, then
 * renames the state into place: a crash at any point leaves a model file and the state it names, and
 * the next save finishes what an interrupted one left.
 */
public final class OptimizerStateFile {
    /** The format of a state file. */
    public static final String FORMAT = "nn4j-optimizer-state/1";
    /** Metadata key of a model file naming its state file and that file's checksum: {@code {"file", "checksum"}}. */
    public static final String KEY = "nn4j.optimizer_state_file";
    /** Metadata key of the state that files written before kept in the model file itself (base64). */
    static final String INLINE_KEY = "nn4j.optimizer_state";
    /** The longest model file name whose state file takes the name whole. */
    public static final int LONG_NAME_BYTES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OptimizerStateFile() {
    }

    /**
     * The file that holds the optimizer state saved with {@code modelFile}: beside it, its name and
     * {@code .optimizer} ({@code model.safetensors.optimizer}). A name of more than {@value
     * #LONG_NAME_BYTES} bytes is cut to its first 180 and a hash of the whole, so that the state file's
     * names fit wherever the model file's does.
     */
    public static Path of(Path modelFile) {
        String name = modelFile.getFileName().toString();
        if (name.getBytes(StandardCharsets.UTF_8).length > LONG_NAME_BYTES) {
            int end = 0;
            int used = 0;
            while (end < name.length()) {
                int next = name.offsetByCodePoints(end, 1);
                used += name.substring(end, next).getBytes(StandardCharsets.UTF_8).length;
                if (used > 180) {
                    break;
                }
                end = next;
            }
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
                name = name.substring(0, end) + "-" + HexFormat.of().formatHex(hash, 0, 4);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
        return modelFile.resolveSibling(name + ".optimizer");
    }

    /**
     * Every file that saving to {@code modelFile} writes: the model file, its optimizer state file, and
     * the state file's pending name, which a save writes first.
     */
    public static List<Path> savedFiles(Path modelFile) {
        Path state = of(modelFile);
        return List.of(modelFile, state, pending(state));
    }

    private static Path pending(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".next");
    }

    /**
     * Writes {@code state} (per slot, a matrix per parameter in the order of the model's) under the
     * pending name of {@code modelFile}'s state file, after finishing an interrupted save.
     *
     * @param dtype the tensors' element type, the model's ({@code F32} or {@code F64})
     * @return the value of {@value #KEY} for the model file
     */
    static String write(Path modelFile, Model model, String dtype, Map<String, List<Matrix>> state)
            throws IOException {
        Path stateFile = of(modelFile);
        settle(modelFile, stateFile);
        List<String> names = List.copyOf(model.parameters().keySet());
        List<Parameter> parameters = List.copyOf(model.parameters().values());
        Map<String, Safetensors.Lazy> tensors = new LinkedHashMap<>();
        state.forEach((slot, matrices) -> {
            for (int i = 0; i < matrices.size(); i++) {
                tensors.put(slot + "." + names.get(i), ModelFile.lazy(model, dtype, matrices.get(i),
                        parameters.get(i).layout()));
            }
        });
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("nn4j.format", FORMAT);
        metadata.put("nn4j.model", modelFile.getFileName().toString());
        Map<String, String> record = new LinkedHashMap<>();
        record.put("file", stateFile.getFileName().toString());
        record.put("checksum", Safetensors.writeLazily(pending(stateFile), tensors, metadata));
        return JSON.writeValueAsString(record);
    }

    /**
     * After the model file was written: its state file into place, or, when it was saved without
     * state, the state files of an earlier save of that name, which belong to no model now, removed.
     */
    static void settleAfterSave(Path modelFile, boolean withState) throws IOException {
        Path stateFile = of(modelFile);
        if (withState) {
            AtomicFiles.rename(pending(stateFile), stateFile);
        } else {
            Files.deleteIfExists(pending(stateFile));
            Files.deleteIfExists(stateFile);
        }
    }

    /** After the model file could not be written: the state written for it belongs to no model file and goes. */
    static void abandon(Path modelFile) {
        try {
            Files.deleteIfExists(pending(of(modelFile)));
        } catch (IOException e) {
            // The next save removes it.
        }
    }

    /**
     * Finishes a save that stopped between writing the model file and renaming its state file into
     * place, or removes a pending state file that no model file names.
     */
    private static void settle(Path modelFile, Path stateFile) throws IOException {
        Path pending = pending(stateFile);
        if (!Files.exists(pending)) {
            return;
        }
        String recorded = null;
        Map<String, String> model = Safetensors.metadata(modelFile);
        if (model != null && model.containsKey(KEY)) {
            try {
                recorded = JSON.readTree(model.get(KEY)).path("checksum").asText(null);
            } catch (JsonProcessingException e) {
                recorded = null; // no model file names it
            }
        }
        Map<String, String> state = Safetensors.metadata(pending);
        if (recorded != null && state != null && recorded.equals(state.get(Safetensors.CHECKSUM))) {
            AtomicFiles.rename(pending, stateFile);
        } else {
            Files.deleteIfExists(pending);
        }
    }

    /**
     * The optimizer state that the metadata of {@code modelFile} names (in its state file) or holds
     * (files written before): per slot, the state of each parameter of {@code model}, laid out as the
     * parameter's matrix; empty when there is none.
     *
     * @param dtype the tensors' element type, the model's ({@code F32} or {@code F64})
     * @throws InvalidInputException naming the file, when the state file is missing, of another save,
     *     damaged, or does not fit the model
     */
    static Map<String, List<double[]>> read(Path modelFile, Map<String, String> metadata, Model model, String dtype) {
        Map<String, List<double[]>> state = new LinkedHashMap<>();
        if (metadata.containsKey(KEY)) {
            Path stateFile = find(modelFile, metadata.get(KEY));
            Map<String, Safetensors.Tensor> tensors = Safetensors.read(stateFile).tensors();
            for (String name : tensors.keySet()) {
                int dot = name.indexOf('.');
                if (dot < 1 || !model.parameters().containsKey(name.substring(dot + 1))) {
                    throw new InvalidInputException(stateFile + ": tensor '" + InvalidInputException.shown(name)
                            + "' is not a slot and one of the model's parameters (" + String.join(", ",
                                    model.parameters().keySet()) + ")");
                }
                state.putIfAbsent(name.substring(0, dot), null);
            }
            for (String slot : state.keySet()) {
                state.put(slot, slot(stateFile, slot, model, parameter -> {
                    Safetensors.Tensor t = tensors.get(slot + "." + parameter);
                    if (t != null && !t.dtype().equals(dtype)) {
                        throw new InvalidInputException(stateFile + ": tensor '" + slot + "." + parameter + "' is "
                                + t.dtype() + ", the model " + dtype);
                    }
                    return t == null ? null : t.values();
                }));
            }
        } else if (metadata.containsKey(INLINE_KEY)) {
            JsonNode slots = InputFiles.json(metadata.get(INLINE_KEY), modelFile + ": " + INLINE_KEY);
            for (Iterator<Map.Entry<String, JsonNode>> it = slots.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> slot = it.next();
                state.put(slot.getKey(), slot(modelFile, slot.getKey(), model, parameter -> {
                    JsonNode encoded = slot.getValue().get(parameter);
                    if (encoded == null || !encoded.isTextual()) {
                        return null;
                    }
                    try {
                        return Safetensors.values(dtype, Base64.getDecoder().decode(encoded.asText()));
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException(modelFile + ": " + INLINE_KEY + " of " + parameter
                                + " is not valid base64");
                    }
                }));
            }
        }
        return state;
    }

    /** One slot's state of every parameter, in the order of the model's, each from {@code values} by name. */
    private static List<double[]> slot(Path file, String slot, Model model, Function<String, double[]> values) {
        List<double[]> perParameter = new ArrayList<>();
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            double[] v = values.apply(p.getKey());
            Matrix m = p.getValue().value();
            if (v == null) {
                throw new InvalidInputException(file + ": no optimizer state '" + slot + "' for " + p.getKey());
            }
            if (v.length != m.size()) {
                throw new InvalidInputException(file + ": " + v.length + " values of optimizer state '" + slot
                        + "' for " + p.getKey() + ", which has " + m.size());
            }
            ModelFile.requireFinite(file, "optimizer state '" + slot + "' of " + p.getKey(), v);
            perParameter.add(p.getValue().layout().fromTensor(v, m.rows(), m.cols()));
        }
        return perParameter;
    }

    /**
     * The state file that {@code record} names beside {@code modelFile}, or its pending version when a
     * save stopped before renaming it: whichever has the recorded checksum.
     */
    private static Path find(Path modelFile, String record) {
        JsonNode node = InputFiles.json(record, modelFile + ": " + KEY);
        String name = node.path("file").asText("");
        String checksum = node.path("checksum").asText("");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || checksum.isEmpty()) {
            throw new InvalidInputException(modelFile + ": " + KEY + " must name a file beside the model and its"
                    + " checksum, not " + InvalidInputException.shown(record));
        }
        Path stateFile = modelFile.resolveSibling(name);
        boolean other = false;
        for (Path candidate : List.of(stateFile, pending(stateFile))) {
            Map<String, String> metadata = Safetensors.metadata(candidate);
            if (metadata != null && checksum.equals(metadata.get(Safetensors.CHECKSUM))
                    && FORMAT.equals(metadata.get("nn4j.format"))) {
                return candidate;
            }
            other |= metadata != null;
        }
        throw new InvalidInputException(modelFile + ": its optimizer state file " + stateFile + (other
                ? " is from another save (its checksum is not the one the model records)" : " is missing")
                + "; the model loads for evaluation and prediction, but its training resumes only with the state"
                + " file it was saved with");
    }
}
