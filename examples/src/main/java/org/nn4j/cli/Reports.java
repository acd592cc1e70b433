package org.nn4j.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.nn4j.io.AtomicFiles;
import org.nn4j.train.EpochMetrics;
import org.nn4j.train.TrainingHistory;

/** The learning-curve plot a training run writes beside the model. */
final class Reports {

    private Reports() {
    }

    /** Training and test loss (left axis) and test accuracy (right axis) per epoch, as a PNG. */
    static void writePlot(Path file, TrainingHistory history, String title) throws IOException {
        List<EpochMetrics> epochs = history.epochs();
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").build();
        chart.setYAxisGroupTitle(0, "loss");
        chart.setYAxisGroupTitle(1, "test accuracy");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        XYSeries train = chart.addSeries("training loss", x, values(epochs, EpochMetrics::trainLoss));
        XYSeries test = chart.addSeries("test loss", x, values(epochs, EpochMetrics::testLoss));
        XYSeries accuracy = chart.addSeries("test accuracy", x, values(epochs, EpochMetrics::testAccuracy));
        train.setYAxisGroup(0);
        test.setYAxisGroup(0);
        accuracy.setYAxisGroup(1);
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        AtomicFiles.write(file, png.toByteArray());
    }

    private static double[] values(List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }
}
