package org.nn4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Csv;
import org.nn4j.data.Dataset;
import org.nn4j.data.Split;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.ProgressListener;
import org.nn4j.train.RunData;
import org.nn4j.train.RunSplit;
import org.nn4j.train.SavedRun;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingRun;

/**
 * What {@code nn train} does, from Java: a run on a CSV file (a seeded share held out, the features
 * standardised, SGD by name with its own learning rate), saved after every epoch, then resumed from
 * its checkpoint for more epochs, on its own split, which the resume checks against the data.
 * Arguments: a directory for the model file (default {@code target/run-example}), the CSV file
 * (default the small one of the CLI's tests) and its label column (default {@code label}).
 */
public final class RunExample {

    private RunExample() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/run-example"));
        Path csv = Path.of(args.length > 1 ? args[1] : "examples/src/test/resources/bad-inputs/good.csv");
        String label = args.length > 2 ? args[2] : "label";
        Backend backend = Backends.select(null);
        ModuleRegistry registry = ModuleRegistry.load();
        Path file = dir.resolve("run.safetensors");

        // README: run
        // nn train --csv data.csv --label label --hidden 32 --optimizer sgd --standardize --epochs 4 --out FILE
        Dataset all = Csv.read(csv, label);
        RunData data = RunData.of(Split.random(all, 0.2, 42), RunSplit.HeldOut.fraction(0.2), 42, true);
        TrainingRun run = TrainingRun.builder(registry, backend, DType.FLOAT32)
                .mlp(List.of(32), ActivationKind.RELU, "ce")
                .optimizer("sgd", null, Map.of("momentum", 0.9))   // null: sgd's own learning rate, 0.05
                .config(new TrainingConfig(4, 16, 42, 0, LearningRateSchedule.constant()))
                .standardize(true)                                 // the standardiser is stored with the model
                .build(data);                                      // the model checked against the data
        run.fit(run.trainer()
                .listener(run.checkpoints(file))                   // model, optimizer state, split: every epoch
                .listener(new ProgressListener(System.out)));

        // nn train --csv data.csv --label label --resume FILE --epochs 6
        SavedRun saved = TrainingRun.resume(file, registry, backend).epochs(6, false);
        RunSplit.HeldOut heldOut = saved.heldOut(null, null);   // the run's own: 0.2, drawn with its seed
        long seed = saved.config().seed();
        TrainingRun resumed = saved.on(RunData.of(Split.random(all, heldOut.fraction(), seed), heldOut, seed, true));
        TrainingHistory history = resumed.fit(resumed.trainer()
                .listener(resumed.checkpoints(file)).listener(new ProgressListener(System.out)));
        // README end
        System.out.println("epochs " + history.epochsDone() + ", test accuracy " + history.finalTest().accuracy());
    }
}
