package org.nn4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.UnwritableFileException;
import org.nn4j.train.CheckpointListener;
import org.nn4j.train.ClusterFailureException;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingListener;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a {@code train} run's model file holds, for a run that a signal or a file that cannot be
 * written ends: the one line it ends with says so, and how to go on. Hears the epochs as they start.
 */
final class LastCheckpoint implements TrainingListener {
    private final Path file;
    private final CheckpointListener checkpoints;
    private final boolean existed;
    private final int resumedEpochs;
    private volatile int epoch;
    /** The batches of the epoch, and the last one done (0: none yet); 0 and 0 before the first epoch. */
    private volatile int batches;
    private volatile int batch;

    /**
     * @param file the model file, or null for none
     * @param checkpoints what saves it
     * @param existed whether it existed before the run
     * @param resumedEpochs the epochs it holds before the run when the run resumes from it, else -1
     * @param epoch the run's first epoch
     */
    LastCheckpoint(Path file, CheckpointListener checkpoints, boolean existed, int resumedEpochs, int epoch) {
        this.file = file;
        this.checkpoints = checkpoints;
        this.existed = existed;
        this.resumedEpochs = resumedEpochs;
        this.epoch = epoch;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        this.epoch = epoch;
        this.batch = 0;
        this.batches = batches;
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
        this.batch = batch;
    }

    /** Where the run is: "in epoch 3, after batch 120 of 469". */
    String where() {
        if (batches == 0) {
            return "before epoch " + epoch;
        }
        return "in epoch " + epoch + (batch == 0 ? ", before its first batch" : ", after batch " + batch + " of "
                + batches);
    }

    String describe() {
        if (file == null) {
            return "nothing was saved (no --out)";
        }
        TrainingHistory history = checkpoints.saved();
        if (history != null || resumedEpochs >= 0) {
            int epochs = history != null ? history.epochsDone() : resumedEpochs;
            int batches = history != null ? history.batchesIntoEpoch() : 0;
            return file + " holds the checkpoint after " + (batches > 0 ? "batch " + batches + " of epoch "
                    + (epochs + 1) : "epoch " + epochs) + (history == null ? ", as before the run" : "")
                    + "; continue with --resume " + file;
        }
        return existed ? file + " is as it was before the run" : "nothing was saved yet";
    }

    /**
     * {@code training}'s history. A signal (SIGTERM, SIGINT, SIGHUP) ends it in one line on {@code
     * command}'s error stream that says what the model file holds (AtomicFiles' own hook removes the
     * temporary file of a save it interrupts); a file of the run that cannot be written (a full disk)
     * ends it as bad input naming the file, why, and what the model file holds.
     */
    TrainingHistory during(CommandSpec command, Supplier<TrainingHistory> training) {
        PrintWriter err = command.commandLine().getErr();
        Thread stopped = new Thread(() -> {
            err.println(command.qualifiedName() + ": stopped by a signal during epoch " + epoch + "; " + describe());
            err.flush();
        }, "nn train: stopped");
        Runtime.getRuntime().addShutdownHook(stopped);
        try {
            return training.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } catch (ClusterFailureException e) {
            // A cluster that failed or was lost: where in the run, and what the model file holds.
            throw new ClusterFailureException(where() + ": " + e.getMessage() + "; " + describe(), e);
        } catch (UncheckedIOException e) {
            UnwritableFileException unwritable = Main.unwritable(e);
            if (unwritable != null && !Main.shuttingDown()) {
                throw new InvalidInputException(unwritable.getMessage() + "; " + describe(), e);
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopped);
            } catch (IllegalStateException e) {
                // Shutting down: the hook says why.
            }
        }
    }
}
