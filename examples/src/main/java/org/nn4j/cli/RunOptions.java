package org.nn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.io.OptimizerStateFile;
import picocli.CommandLine.Option;

/** The files of a {@code train} run (model, plot, metrics, the checkpoint it resumes) and how it reports. */
final class RunOptions {

    @Option(names = "--out", paramLabel = "FILE",
            description = "Save the model here (safetensors) after every epoch (default with --resume: that file).")
    Path modelOut;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot losses and accuracy per epoch as a PNG.")
    Path plot;

    @Option(names = "--metrics-json", paramLabel = "FILE", description = "Write per-epoch metrics as one JSON object.")
    Path metricsJson;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the training saved in FILE, with its architecture, optimizer, seed and split of"
                    + " the data.")
    Path resume;

    @Option(names = "--stretch-schedule",
            description = "With --resume and another --epochs under a cosine schedule: stretch the schedule over the"
                    + " new total from where the run stands (its rates jump; the run no longer ends where an"
                    + " uninterrupted one would). Without it, such an --epochs is refused.")
    boolean stretchSchedule;

    @Option(names = "--quiet", description = "Print only the final test accuracy.")
    boolean quiet;

    /** The model file the run writes: --out, else with --resume the file it resumes; null for none. */
    Path modelFile() {
        return modelOut != null ? modelOut : resume;
    }

    /**
     * Checks the run's outputs before any work, so that an epoch is never lost to an unwritable or wrong
     * path: against each other, and against the inputs {@code data}, {@code heldOut} and {@code modelSpec}.
     */
    void require(DataOptions data, SplitOptions heldOut, Path modelSpec) {
        Map<String, Path> outputs = new LinkedHashMap<>();
        Path modelFile = modelFile();
        outputs.put("--out", modelFile);
        if (modelFile != null) {
            List<Path> beside = OptimizerStateFile.savedFiles(modelFile);
            outputs.put("--out's optimizer state", beside.get(1));
            outputs.put("--out's optimizer state, while saved", beside.get(2));
        }
        outputs.put("--plot", plot);
        outputs.put("--metrics-json", metricsJson);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--data", data.data);
        inputs.put("--csv", data.csv);
        inputs.put("--test-csv", heldOut.testCsv);
        inputs.put("--val-csv", heldOut.valCsv);
        inputs.put("--model", modelSpec);
        if (modelOut != null) {
            inputs.put("--resume", resume);
            if (resume != null) {
                inputs.put("--resume's optimizer state", OptimizerStateFile.of(resume));
            }
        }
        OutputFiles.require(outputs, inputs);
    }
}
