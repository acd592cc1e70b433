package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.SettingException;
import org.nn4j.data.Dataset;
import org.nn4j.data.Examples;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Split;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Adam;
import org.nn4j.train.BatchUpdater;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;
import org.nn4j.train.TrainingHistory;

/** Training sets that the executors read from files themselves give the weights of the driver's copy. */
class ExecutorDataTest {
    private static final TrainingConfig CONFIG = new TrainingConfig(2, 32, 7, 0, LearningRateSchedule.cosine());
    private static final String SPEC = "{\"input\": [2, 5], \"layers\": [{\"type\": \"flatten\"}, {\"type\": \"linear\","
            + " \"out_features\": 12}, {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 10}]}";
    private static JavaSparkContext spark;
    private final Backend ejml = Backends.select("ejml");

    @BeforeAll
    static void start() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[3]").setAppName("nn4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Fashion-MNIST's four files for {@code train} and {@code test} random 2 x 5 images, gzip'd or not. */
    static void writeIdx(Path dir, int train, int test, boolean gzip) throws IOException {
        Random random = new Random(3);
        for (String split : List.of("train", "t10k")) {
            int n = split.equals("train") ? train : test;
            byte[] pixels = new byte[n * 10];
            random.nextBytes(pixels);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                // Classes that the pixels tell: the brightest of the first five, plus five for a dark rest.
                int best = 0;
                for (int j = 1; j < 5; j++) {
                    best = (pixels[i * 10 + j] & 0xFF) > (pixels[i * 10 + best] & 0xFF) ? j : best;
                }
                labels[i] = (byte) (best + ((pixels[i * 10 + 7] & 0xFF) < 128 ? 5 : 0));
            }
            write(dir, FashionMnist.file(split, "images"), gzip, header(0x803, n, 2, 5), pixels);
            write(dir, FashionMnist.file(split, "labels"), gzip, header(0x801, n), labels);
        }
    }

    private static byte[] header(int... ints) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int i : ints) {
            out.writeInt(i);
        }
        return bytes.toByteArray();
    }

    private static void write(Path dir, String gzName, boolean gzip, byte[] header, byte[] body) throws IOException {
        Path file = dir.resolve(gzip ? gzName : gzName.substring(0, gzName.length() - 3));
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(header);
            out.write(body);
        }
    }

    /** float64 weights after training on {@code local} on this machine, or with {@code updater} when given. */
    private List<double[]> train(Dataset local, Dataset test, int size,
            java.util.function.BiFunction<Model, Adam, BatchUpdater> updater) {
        Model net = ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), ejml, DType.FLOAT64, 5, "spec");
        Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
        Trainer.Builder trainer = Trainer.builder(net).optimizer(adam).config(CONFIG);
        TrainingHistory history = updater == null ? trainer.build().fit(local, test)
                : trainer.updater((examples, run) -> updater.apply(net, adam)).build()
                        .fit(Examples.elsewhere(size, test.featureCount(), test.classCount(), "the executors"), test);
        assertEquals(2, history.epochsDone());
        List<double[]> weights = new ArrayList<>();
        net.parameterValues().forEach(p -> weights.add(ejml.toArray(p)));
        return weights;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void executorsReadingTheFilesGiveTheWeightsOfTheDriversCopy(boolean gzip, @TempDir Path dir) throws IOException {
        writeIdx(dir, 150, 40, gzip);
        Split onDriver = FashionMnist.fromDirectory(dir);
        IdxFiles files = IdxFiles.open(dir.toString(), "train", spark.hadoopConfiguration());
        assertEquals(150, files.count);
        assertEquals(10, files.featureCount);
        Dataset test = IdxFiles.open(dir.toUri().toString(), "t10k", spark.hadoopConfiguration()).dataset();
        assertArrayEquals(onDriver.test().features(), test.features());
        assertArrayEquals(onDriver.test().labels(), test.labels());

        List<double[]> oneMachine = train(onDriver.train(), onDriver.test(), 150, null);
        for (int averageEvery : new int[] {1, 3}) {
            List<double[]> fromDriver = train(null, test, 150, (net, adam) -> averageEvery == 1
                    ? new SparkUpdater(spark, onDriver.train(), 0, net, adam, "ejml", CONFIG.seed())
                    : new AveragingUpdater(spark, onDriver.train(), 0, net, adam, "ejml", CONFIG.seed(), 32, 3));
            List<double[]> fromFiles = train(null, test, 150, (net, adam) -> averageEvery == 1
                    ? new SparkUpdater(spark, new SparkData(spark, files, null, 0), net, adam, "ejml", CONFIG.seed())
                    : new AveragingUpdater(spark, new SparkData(spark, files, null, 0), net, adam, "ejml", CONFIG.seed(), 32,
                            3));
            for (int i = 0; i < fromDriver.size(); i++) {
                // The same partitions of the same examples: the very same arithmetic.
                assertArrayEquals(fromDriver.get(i), fromFiles.get(i), 0, "parameter " + i);
                if (averageEvery == 1) {
                    assertArrayEquals(oneMachine.get(i), fromFiles.get(i), 1e-9 * (1 + Math.abs(oneMachine.get(i)[0])));
                }
            }
        }
    }

    @Test
    void executorsStandardiseAsTheDriversCopyIsStandardised(@TempDir Path dir) throws IOException {
        writeIdx(dir, 150, 40, true);
        Split onDriver = FashionMnist.fromDirectory(dir);
        Standardizer expected = Standardizer.fit(onDriver.train());
        IdxFiles files = IdxFiles.open(dir.toString(), "train", spark.hadoopConfiguration());
        Standardizer fitted = SparkData.fit(spark, files);
        assertArrayEquals(expected.mean(), fitted.mean());
        assertArrayEquals(expected.std(), fitted.std());
        Dataset train = expected.apply(onDriver.train());
        Dataset test = expected.apply(onDriver.test());
        List<double[]> fromDriver = train(null, test, 150,
                (net, adam) -> new SparkUpdater(spark, train, 0, net, adam, "ejml", CONFIG.seed()));
        List<double[]> fromFiles = train(null, test, 150, (net, adam) -> new SparkUpdater(spark,
                new SparkData(spark, files, fitted, 0), net, adam, "ejml", CONFIG.seed()));
        for (int i = 0; i < fromDriver.size(); i++) {
            assertArrayEquals(fromDriver.get(i), fromFiles.get(i), 0, "parameter " + i);
        }
    }

    @Test
    void filesThatAreNotFashionMnistsFailAtTheStartWithTheFile(@TempDir Path dir) throws IOException {
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> IdxFiles.open(dir.resolve("none").toString(), "train", spark.hadoopConfiguration()));
        assertTrue(missing.getMessage().startsWith(dir.resolve("none") + ": no such directory"), missing.getMessage());
        writeIdx(dir, 20, 5, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        InvalidInputException truncated = assertThrows(InvalidInputException.class,
                () -> IdxFiles.open(dir.toString(), "train", spark.hadoopConfiguration()));
        assertEquals("file:" + images + ": 213 bytes, but its header promises 216 (truncated?)", truncated.getMessage());
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        InvalidInputException noLabels = assertThrows(InvalidInputException.class,
                () -> IdxFiles.open(dir.toString(), "train", spark.hadoopConfiguration()));
        assertEquals(dir + ": no train-labels-idx1-ubyte.gz (or without .gz) in it", noLabels.getMessage());
    }

    @Test
    void aLabelThatIsNoClassFailsOnTheExecutorNamingTheFileAndImage(@TempDir Path dir) throws IOException {
        writeIdx(dir, 20, 5, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[8 + 13] = 12;
        Files.write(labels, bytes);
        IdxFiles files = IdxFiles.open(dir.toString(), "train", spark.hadoopConfiguration());
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> files.block(10, 20));
        assertEquals("file:" + labels + ": label 12 of image 13 is no Fashion-MNIST class (0 to 9)", error.getMessage());
    }

    @Test
    void partitionsStayUnderTheirSizeAndResultsUnderTheDriversLimit() {
        assertEquals(4, SparkData.partitionCount(4, 60_000, 784));
        // 10 million Fashion-MNIST images: 31.4 GB of float32 features, in blocks of at most 512 MiB.
        assertEquals(59, SparkData.partitionCount(2, 10_000_000L, 784));
        assertEquals(3, SparkData.partitionCount(8, 3, 784), "no more partitions than examples");
        SparkData data = new SparkData(spark, new Dataset(new float[30], new int[3], 10, List.of("a"), "three"), 0);
        try {
            data.requireResultsFit(300L << 20);
            SettingException error = assertThrows(SettingException.class, () -> data.requireResultsFit(400L << 20));
            assertEquals("the 3 partitions' results of a step, 3 x 419.4 MB, are over spark.driver.maxResultSize (1g);"
                    + " raise it, for example --spark-conf spark.driver.maxResultSize=2401m", error.getMessage());
        } finally {
            data.close();
        }
    }
}
