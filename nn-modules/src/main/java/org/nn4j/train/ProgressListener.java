package org.nn4j.train;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training as it goes: on a terminal, a bar per epoch (batches done, loss, samples/s, time
 * left) redrawn in place; elsewhere, one plain line per epoch, as nn train prints them. Quiet shows
 * nothing.
 */
public final class ProgressListener implements TrainingListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean quiet;
    private long lastDraw;
    private long epochStart;
    private int epochs;

    /**
     * @param terminal whether {@code out} is a terminal, where a bar is redrawn in place
     * @param quiet whether to show nothing at all
     */
    public ProgressListener(PrintWriter out, boolean terminal, boolean quiet) {
        this.out = java.util.Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.quiet = quiet;
    }

    /** One line per epoch on {@code out}. */
    public ProgressListener(PrintStream out) {
        this(new PrintWriter(out, true), false, false);
    }

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        lastDraw = 0;
        epochStart = System.nanoTime();
        this.epochs = epochs;
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
        if (quiet || !terminal) {
            return;
        }
        long now = System.nanoTime();
        if (batch < batches && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * batch / batches);
        double secondsLeft = (now - epochStart) / 1e9 * (batches - batch) / batch;
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d  loss %.4f  %,.0f samples/s  ETA %s ", epoch, epochs,
                "=".repeat(filled), " ".repeat(WIDTH - filled), batch, batches, meanLoss, samplesPerSecond,
                clock(secondsLeft)));
        out.flush();
    }

    @Override
    public void epochFinished(EpochMetrics m, TrainingHistory history) {
        if (quiet) {
            return;
        }
        if (terminal) {
            out.print("\r\033[K");
        }
        String evaluated = (m.validation() == null ? "" : " " + m.validation().describe("validation") + ",")
                + (m.test() == null ? "" : " " + m.test().describe("test") + ",");
        out.println(String.format(Locale.ROOT, "epoch %d: train loss %.4f,%s %,.0f samples/s, lr %.3g, %.1f s%s",
                m.epoch(), m.trainLoss(), evaluated, m.samplesPerSecond(), m.learningRate(), m.seconds(),
                history.stoppedEarly() ? " (stopping early: no better validation loss in a while)" : ""));
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
