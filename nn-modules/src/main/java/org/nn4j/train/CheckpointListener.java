package org.nn4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.data.Standardizer;
import org.nn4j.io.ModelFile;
import org.nn4j.io.UnwritableFileException;

/**
 * Saves the run every {@code every} epochs and after the last (or, made by {@link #everySteps}, every
 * so many steps as well): the model with the optimizer's state, configuration and history, in nn4j's
 * model file (written to a temporary file and renamed, so that a crash leaves the previous checkpoint
 * whole). {@link Checkpoints#resume} reads it back, and a run resumed from it goes on as the
 * uninterrupted one would have, learning rate included; from within an epoch, after the batches the
 * checkpoint had done.
 */
public final class CheckpointListener implements TrainingListener {
    private final Path file;
    private final int every;
    private int everySteps;
    private TrainingHistory completed;
    private final List<String> classNames;
    private final Standardizer standardizer;
    private Standardizer targetStandardizer;
    private boolean atEnd;
    private final Map<String, Object> facts;
    private TrainingContext context;
    private volatile TrainingHistory saved;

    /**
     * @param file where the model file goes
     * @param every epochs between saves, at least 1
     * @param classNames the model's classes, by output
     * @param standardizer what the inputs were standardised with, or null
     */
    public CheckpointListener(Path file, int every, List<String> classNames, Standardizer standardizer) {
        this(file, every, classNames, standardizer, Map.of());
    }

    /**
     * As {@link #CheckpointListener(Path, int, List, Standardizer)}, recording {@code facts} (the data's
     * name, say) in the file's training metadata beside the backend.
     */
    public CheckpointListener(Path file, int every, List<String> classNames, Standardizer standardizer,
            Map<String, Object> facts) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1 epoch, not " + every);
        }
        this.file = java.util.Objects.requireNonNull(file, "file");
        this.every = every;
        this.classNames = List.copyOf(classNames);
        this.standardizer = standardizer;
        this.facts = new LinkedHashMap<>(facts);
    }

    /**
     * A checkpoint every {@code steps} steps (batches, counted over the whole run) and after every
     * epoch, and the rest as {@link #CheckpointListener(Path, int, List, Standardizer, Map)}.
     */
    public static CheckpointListener everySteps(Path file, int steps, List<String> classNames,
            Standardizer standardizer, Map<String, Object> facts) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, not " + steps);
        }
        CheckpointListener listener = new CheckpointListener(file, 1, classNames, standardizer, facts);
        listener.everySteps = steps;
        return listener;
    }

    @Override
    public void trainingStarted(TrainingContext context) {
        if (classNames.size() != context.model().outputSize()) {
            throw new IllegalArgumentException("classNames: " + classNames.size() + " names for the model's "
                    + context.model().outputSize() + " outputs");
        }
        this.context = context;
        this.completed = context.history();
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
        long step = (long) (epoch - 1) * batches + batch;
        if (everySteps > 0 && batch < batches && step % everySteps == 0) {
            // The epoch's end saves anyway; within it, the batches done and their loss sum go with it.
            save(completed.into(batch, meanLoss * batch * (double) context.config().batchSize()));
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
        completed = history;
        if (metrics.epoch() % every == 0 || metrics.epoch() == context.config().epochs() || history.stoppedEarly()) {
            save(history);
        }
    }

    @Override
    public void trainingFinished(TrainingHistory history) {
        EpochMetrics last = history.last();
        if (last != null && (atEnd || last.epoch() % every != 0 && last.epoch() != context.config().epochs())) {
            save(history); // stopped by a listener between two saves, or the model changed after its epochs
        }
    }

    /**
     * Saves once more when training is over, after the listeners' {@link TrainingListener#epochsFinished}:
     * for a model they change there (as {@link EarlyStopping} puts its best epoch back), so that the file
     * holds it, with the test examples' final scores.
     */
    public CheckpointListener saveAtEnd() {
        this.atEnd = true;
        return this;
    }

    /**
     * The run as the file holds it after this listener's last save (its epochs done, and the batches
     * into the next for a save within an epoch), or null when it has saved nothing yet. A failed save
     * leaves the file, and this, as they were.
     */
    public TrainingHistory saved() {
        return saved;
    }

    /** Records a regression model's target standardisation with the model ({@code nn4j.output}); none by default. */
    public CheckpointListener targetStandardizer(Standardizer targets) {
        this.targetStandardizer = targets;
        return this;
    }

    private void save(TrainingHistory history) {
        Optimizer optimizer = context.optimizer();
        Map<String, List<org.nn4j.api.Matrix>> state = new LinkedHashMap<>();
        for (String slot : optimizer.slots()) {
            state.put(slot, optimizer.stateMatrices(slot));
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("backend", context.model().backend().name());
        run.putAll(facts);
        try {
            ModelFile.save(file, context.model(), classNames, standardizer, targetStandardizer, state,
                    Checkpoints.describe(optimizer,
                    context.baseLearningRate(), context.config(), history, run));
        } catch (UnwritableFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the checkpoint (" + e.getMessage() + ")", e);
        }
        saved = history;
    }
}
