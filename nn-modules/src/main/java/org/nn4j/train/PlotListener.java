package org.nn4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Plots the run after every epoch (the training and held-out losses and the accuracy so far), as
 * nn train's {@code --plot} does: it hands the history to a {@link Writer}, which draws and writes the
 * file. nn4j itself draws nothing; nn train's writer (in the examples module) makes a PNG with XChart.
 */
public final class PlotListener implements TrainingListener {
    private final Path file;
    private final String title;
    private final Writer writer;

    /** Draws and writes a plot of a run's epochs. */
    @FunctionalInterface
    public interface Writer {

        /**
         * Writes the plot of {@code history}'s epochs to {@code file} (atomically, best: a crash leaves
         * the previous plot).
         *
         * @param title what the plot is of
         */
        void write(Path file, TrainingHistory history, String title) throws IOException;
    }

    /**
     * @param file where the plot goes, rewritten after every epoch
     * @param title the plot's title
     * @param writer what draws it
     */
    public PlotListener(Path file, String title, Writer writer) {
        this.file = java.util.Objects.requireNonNull(file, "file");
        this.title = java.util.Objects.requireNonNull(title, "title");
        this.writer = java.util.Objects.requireNonNull(writer, "writer");
    }

    /** @throws UncheckedIOException when the plot cannot be written, the writer's exception its cause */
    @Override
    public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
        try {
            writer.write(file, history, title);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
