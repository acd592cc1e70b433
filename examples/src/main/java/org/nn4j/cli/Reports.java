package org.nn4j.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.nn4j.api.Backend;
import org.nn4j.io.AtomicFiles;
import org.nn4j.train.EpochMetrics;
import org.nn4j.train.Scores;
import org.nn4j.train.TrainingHistory;
import org.nn4j.train.TrainingRun;

/** What {@code train} reports: the run it trains, the learning-curve plot beside the model, the result. */
final class Reports {

    private Reports() {
    }

    /**
     * Training loss, and validation and test loss where scored (left axis), with their accuracy, or a
     * regression model's R² (right axis), per epoch, as a PNG.
     */
    static void writePlot(Path file, TrainingHistory history, String title) throws IOException {
        List<EpochMetrics> epochs = history.epochs();
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        boolean regression = epochs.stream().anyMatch(e -> scored(e, true) != null && scored(e, true).regression() != null
                || scored(e, false) != null && scored(e, false).regression() != null);
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").build();
        // XChart centres the title on the plot, not the picture: 700 of its 900 pixels keep both ends in it.
        fitTitle(chart, title, 700);
        chart.setYAxisGroupTitle(0, "loss");
        chart.setYAxisGroupTitle(1, regression ? "R²" : "accuracy");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.###");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.addSeries("training loss", x, values(epochs, EpochMetrics::trainLoss)).setYAxisGroup(0);
        for (boolean validation : new boolean[] {true, false}) {
            String set = validation ? "validation" : "test";
            if (epochs.stream().noneMatch(e -> scored(e, validation) != null)) {
                continue;
            }
            chart.addSeries(set + " loss", x, values(epochs, e -> scored(e, validation) == null ? Double.NaN
                    : scored(e, validation).loss())).setYAxisGroup(0);
            chart.addSeries(set + (regression ? " R²" : " accuracy"), x, values(epochs, e -> scored(e, validation) == null
                    ? Double.NaN : regression ? scored(e, validation).regression().meanR2()
                            : scored(e, validation).accuracy())).setYAxisGroup(1);
        }
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        AtomicFiles.write(file, png.toByteArray());
    }

    /**
     * The chart's title in a font small enough (down to 9 points) for {@code width} pixels; a title still
     * too wide loses its middle to an ellipsis, so that both ends (the input, the loss and backend) show.
     */
    static String fitTitle(XYChart chart, String title, int width) {
        java.awt.font.FontRenderContext context = new java.awt.font.FontRenderContext(null, true, true);
        java.awt.Font font = chart.getStyler().getChartTitleFont();
        while (font.getStringBounds(title, context).getWidth() > width && font.getSize2D() > 9) {
            font = font.deriveFont(font.getSize2D() - 1);
        }
        chart.getStyler().setChartTitleFont(font);
        String shown = title;
        for (int keep = title.length() / 2; font.getStringBounds(shown, context).getWidth() > width && keep > 4; keep--) {
            shown = title.substring(0, keep) + " ... " + title.substring(title.length() - keep);
        }
        chart.setTitle(shown);
        return shown;
    }

    /** The run's data and model, optimizer, settings and backend, two lines, then the model's layers as a table. */
    static void describe(PrintWriter out, TrainingRun run, Backend backend, boolean stretched) {
        out.println("data: " + run.data().description());
        out.println("model: " + run.summary() + "; backend " + backend.name() + ", " + run.model().dtype()
                + (run.resumed() ? "; resuming after epoch " + run.history().epochsDone() : "") + (stretched
                        ? ", the schedule stretched from " + run.recordedEpochs() + " to " + run.config().epochs()
                                + " epochs" : ""));
        run.model().summary().lines().forEach(line -> out.println("  " + line));
        out.flush();
    }

    /**
     * The run's result: its test accuracy (with the weights of {@code bestEpoch} where that is not 0 nor
     * the last) and the files it wrote (those of {@code written} given), or that {@code resumed} had
     * nothing left to do.
     */
    static void finished(PrintWriter out, TrainingRun run, TrainingHistory history, int bestEpoch, Path resumed,
            Path[] written) {
        if (history.epochsDone() == run.history().epochsDone()) {
            out.println("nothing to do: " + resumed + " has " + history.epochsDone() + " of " + run.config().epochs()
                    + " epochs done" + (history.stoppedEarly() ? " and stopped early" : ""));
            return;
        }
        EpochMetrics last = history.last();
        Scores test = history.finalTest();
        String scores = test.regression() == null ? String.format(Locale.ROOT, "test accuracy %.4f", test.accuracy())
                : String.format(Locale.ROOT, "test mse %.6g, mae %.6g, r2 %.4f", test.regression().meanMse(),
                        test.regression().meanMae(), test.regression().meanR2());
        out.println(String.format(Locale.ROOT, "%s (%d test examples, after epoch %d of %d%s)", scores,
                run.data().test().size(), last.epoch(), run.config().epochs(), bestEpoch > 0 && bestEpoch != last.epoch()
                        ? String.format(Locale.ROOT, ", with the weights of epoch %d, the lowest validation loss", bestEpoch)
                        : ""));
        List<String> files = Arrays.stream(written).filter(Objects::nonNull).map(Path::toString).toList();
        if (!files.isEmpty()) {
            out.println("wrote " + String.join(", ", files));
        }
    }

    /** An epoch's validation or test scores, or null. */
    private static Scores scored(EpochMetrics epoch, boolean validation) {
        return validation ? epoch.validation() : epoch.test();
    }

    private static double[] values(List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }
}
