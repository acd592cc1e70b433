package org.nn4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** What a training run writes besides the model: the metrics JSON and the learning-curve plot. */
final class Reports {

    private Reports() {
    }

    /** One JSON object of per-epoch lists and the run's facts, written atomically. */
    static void writeMetrics(Path file, TrainingHistory history, String backend, String dtype, long seed, String data)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        List<EpochMetrics> epochs = history.epochs();
        list(root, "train_loss", epochs, EpochMetrics::trainLoss);
        list(root, "test_loss", epochs, EpochMetrics::testLoss);
        list(root, "test_accuracy", epochs, EpochMetrics::testAccuracy);
        list(root, "samples_per_second", epochs, EpochMetrics::samplesPerSecond);
        list(root, "learning_rate", epochs, EpochMetrics::learningRate);
        list(root, "seconds", epochs, EpochMetrics::seconds);
        if (history.last() != null) {
            root.put("final_test_accuracy", history.last().testAccuracy());
        }
        root.put("epochs", history.epochsDone());
        root.put("stopped_early", history.stoppedEarly());
        root.put("backend", backend);
        root.put("dtype", dtype);
        root.put("seed", seed);
        root.put("data", data);
        AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
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

    private static void list(ObjectNode root, String key, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        ArrayNode array = root.putArray(key);
        epochs.forEach(e -> array.add(f.applyAsDouble(e)));
    }

    private static double[] values(List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }
}
