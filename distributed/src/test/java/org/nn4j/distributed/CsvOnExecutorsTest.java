package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Csv;
import org.nn4j.data.Dataset;
import org.nn4j.data.Split;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Adam;
import org.nn4j.train.DistributedTraining;
import org.nn4j.train.LearningRateSchedule;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingConfig;

/** A CSV file that the executors read in byte ranges is the file as one machine reads it, and trains the same. */
class CsvOnExecutorsTest {
    private static final TrainingConfig CONFIG = new TrainingConfig(2, 16, 7, 0, LearningRateSchedule.cosine());
    private static final String SPEC = "{\"input\": [3], \"layers\": [{\"type\": \"linear\", \"out_features\": 8},"
            + " {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 3}]}";
    private static DistributedTraining.Session cluster;

    @BeforeAll
    static void start() {
        cluster = new SparkTraining().open("local[3]", "ejml", false,
                Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    /**
     * {@code rows} examples of three features and a class named in the second column, with a quoted
     * header, lines ended by \n, \r\n and \r, blank and white lines among them, and no end after the last.
     */
    static Path csv(Path dir, String name, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        String[] kinds = {"cat", "dog", "emu"};
        StringBuilder text = new StringBuilder("\n\"a\",kind,b,c\r\n");
        for (int r = 0; r < rows; r++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian() * 3;
            int kind = a + b > 1 ? 2 : a > 0 ? 1 : 0;
            text.append(String.format(java.util.Locale.ROOT, "%.6f, %s ,%.4f,%d", a, kinds[kind], b, random.nextInt(9)));
            if (r < rows - 1) {
                text.append(new String[] {"\n", "\r\n", "\r"}[random.nextInt(3)]);
            }
            if (random.nextInt(10) == 0) {
                text.append(random.nextBoolean() ? "\n" : "  \n");
            }
        }
        return Files.writeString(dir.resolve(name), text);
    }

    /** The file's examples, reading it in {@code ranges} byte ranges, with none held out. */
    private static Dataset inRanges(Path file, int ranges) {
        CsvFiles opened = CsvFiles.open(file.toString(), "kind", ranges, new Configuration());
        List<CsvFiles.RangeScan> scans = new ArrayList<>();
        for (int r = 0; r < opened.ranges(); r++) {
            scans.add(opened.scanRange(r));
        }
        CsvFiles scanned = opened.scanned(scans);
        List<ExampleBlock> blocks = new ArrayList<>();
        for (int r = 0; r < scanned.ranges(); r++) {
            blocks.add(scanned.partition(r, scanned.ranges()));
        }
        int d = scanned.featureCount();
        float[] x = new float[scanned.count() * d];
        int[] y = new int[scanned.count()];
        int next = 0;
        for (ExampleBlock b : blocks) {
            for (int i = 0; i < b.rows(); i++) {
                assertEquals(next, b.indices[i], "examples numbered in the file's order");
                System.arraycopy(b.features, i * d, x, next * d, d);
                y[next++] = b.labels[i];
            }
        }
        return new Dataset(x, y, d, scanned.classNames(), file.toString());
    }

    @Test
    void anyCutIntoRangesReadsTheLinesOfTheWholeFile(@TempDir Path dir) throws IOException {
        Path file = csv(dir, "data.csv", 60, 1);
        Dataset whole = Csv.read(file, "kind");
        for (int ranges : new int[] {1, 2, 3, 7, 13, 40, 300}) {
            Dataset cut = inRanges(file, ranges);
            assertEquals(whole.classNames(), cut.classNames(), ranges + " ranges");
            assertArrayEquals(whole.features(), cut.features(), ranges + " ranges");
            assertArrayEquals(whole.labels(), cut.labels(), ranges + " ranges");
        }
    }

    private List<double[]> weights(Dataset train, DistributedTraining.ClusterData onCluster, int averageEvery) {
        return weights(cluster, train, onCluster, averageEvery);
    }

    /**
     * float64 weights of the {@link #SPEC} network after training on {@code train} here, or on {@code
     * onCluster} of {@code cluster} when given.
     */
    static List<double[]> weights(DistributedTraining.Session cluster, Dataset train,
            DistributedTraining.ClusterData onCluster, int averageEvery) {
        Backend ejml = Backends.select("ejml");
        Model net = ModuleRegistry.builtIn().build(ModelSpec.parse(SPEC, "spec"), ejml, DType.FLOAT64, 5, "spec");
        Adam adam = new Adam(ejml, net.parameterValues(), 0.01, 0);
        Trainer.Builder trainer = Trainer.builder(net).optimizer(adam).config(CONFIG);
        if (onCluster == null) {
            trainer.build().fit(train, train);
        } else {
            trainer.updater(cluster.updaters(averageEvery)).build().fit(onCluster, onCluster.test());
        }
        List<double[]> weights = new ArrayList<>();
        net.parameterValues().forEach(p -> weights.add(ejml.toArray(p)));
        return weights;
    }

    private static void assertClose(List<double[]> expected, List<double[]> actual, double tolerance) {
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < expected.get(i).length; j++) {
                assertEquals(expected.get(i)[j], actual.get(i)[j], tolerance, "parameter " + i + "[" + j + "]");
            }
        }
    }

    @Test
    void theHeldOutShareIsOneMachinesAndTrainingGivesItsWeights(@TempDir Path dir) throws IOException {
        Path file = csv(dir, "data.csv", 200, 2);
        Split local = Split.random(Csv.read(file, "kind"), 0.25, 11);
        DistributedTraining.ClusterData remote = cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.25, 11);
        assertEquals(local.train().size(), remote.size());
        assertEquals(local.train().classNames(), remote.classNames());
        assertArrayEquals(local.test().features(), remote.test().features());
        assertArrayEquals(local.test().labels(), remote.test().labels());

        List<double[]> oneMachine = weights(local.train(), null, 1);
        assertClose(oneMachine, weights(null, remote, 1), 1e-10);
        List<double[]> averaged = weights(null, remote, 3);
        assertEquals(oneMachine.size(), averaged.size());

        DistributedTraining.ClusterData standardized = cluster.standardize(remote, null);
        Standardizer expected = Standardizer.fit(local.train());
        assertArrayEquals(expected.mean(), standardized.standardizer().mean(), 1e-6f);
        assertArrayEquals(expected.std(), standardized.standardizer().std(), 1e-6f);
        assertArrayEquals(expected.apply(local.test()).features(), standardized.test().features(), 1e-5f);
    }

    @Test
    void aTestFileIsReadByTheDriverInTheTrainingClasses(@TempDir Path dir) throws IOException {
        Path train = csv(dir, "train.csv", 90, 3);
        Path test = Files.writeString(dir.resolve("test.csv"), "a,kind,b,c\n1,emu,2,3\n-1,cat,0,1\n");
        DistributedTraining.ClusterData remote = cluster.readCsvOnExecutors(train.toString(), "kind",
                test.toString(), 0.2, 11);
        assertEquals(90, remote.size());
        assertArrayEquals(new int[] {2, 0}, remote.test().labels());
        assertArrayEquals(new float[] {1, 2, 3, -1, 0, 1}, remote.test().features());
        assertClose(weights(Csv.read(train, "kind"), null, 1), weights(null, remote, 1), 1e-10);
        // Its columns are matched to the training file's by name, as on one machine.
        Path swapped = Files.writeString(dir.resolve("swapped.csv"), "c,kind,b,a\n3,emu,2,1\n1,cat,0,-1\n");
        DistributedTraining.ClusterData byName = cluster.readCsvOnExecutors(train.toString(), "kind",
                swapped.toString(), 0.2, 11);
        assertArrayEquals(new float[] {1, 2, 3, -1, 0, 1}, byName.test().features());
        assertArrayEquals(Csv.read(train, swapped, "kind").test().features(), byName.test().features());
        Path other = Files.writeString(dir.resolve("other.csv"), "a,kind,b,d\n1,emu,2,3\n");
        String oneMachine = assertThrows(InvalidInputException.class, () -> Csv.read(train, other, "kind")).getMessage();
        assertEquals(other + ": column 'd' is not a column of " + train + " (a, kind, b, c); held-out data needs the"
                + " columns of the training data", oneMachine);
        assertEquals(oneMachine, assertThrows(InvalidInputException.class,
                () -> cluster.readCsvOnExecutors(train.toString(), "kind", other.toString(), 0.2, 11)).getMessage());
    }

    @Test
    void numbersAndLabelsAreReadAsOneMachineReadsThem(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("labels.csv"), "a,kind,b,c\n" + "1,1,2,3\n2,1.0,3,4\n3,01,.5,5.\n"
                .repeat(20) + "4,0.0,-1e-3,+2\n5,-0,1E2,3\n".repeat(20));
        Dataset whole = Csv.read(file, "kind");
        assertEquals(List.of("0", "1"), whole.classNames());
        for (int ranges : new int[] {1, 3, 7}) {
            Dataset cut = inRanges(file, ranges);
            assertEquals(whole.classNames(), cut.classNames(), ranges + " ranges");
            assertArrayEquals(whole.features(), cut.features(), ranges + " ranges");
            assertArrayEquals(whole.labels(), cut.labels(), ranges + " ranges");
        }
        for (String bad : new String[] {"12f", "3d", "0x1p3", "Infinity", "NaN", "1_000", "\"1,000\"", "\uff11"}) {
            Path broken = Files.writeString(dir.resolve("broken.csv"), "a,kind,b,c\n" + "1,cat,2,3\n".repeat(50)
                    + "1,dog," + bad + ",3\n" + "1,cat,2,3\n".repeat(50));
            String oneMachine = assertThrows(InvalidInputException.class, () -> Csv.read(broken, "kind")).getMessage();
            assertTrue(oneMachine.startsWith(broken + ":52: column 'b' is '"), oneMachine);
            assertEquals(oneMachine, assertThrows(InvalidInputException.class,
                    () -> cluster.readCsvOnExecutors(broken.toString(), "kind", null, 0.2, 1)).getMessage(), bad);
        }
        Files.writeString(file, "a,kind,kind,c\n1,cat,2,3\n");
        assertEquals(assertThrows(InvalidInputException.class, () -> Csv.read(file, "kind")).getMessage(),
                assertThrows(InvalidInputException.class,
                        () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1)).getMessage());
        Files.writeString(file, "a,kind,b,c\n1,cat,2,3\n1,,2,3\n");
        assertEquals(file + ":3: the label (column 'kind') is empty; every example needs its class",
                assertThrows(InvalidInputException.class,
                        () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1)).getMessage());
    }

    @Test
    void aBadLineOnAnExecutorIsReportedAsOneMachineReportsIt(@TempDir Path dir) throws IOException {
        Path file = csv(dir, "data.csv", 300, 4);
        List<String> lines = new ArrayList<>(List.of(Files.readString(file).split("\n", -1)));
        lines.set(lines.size() - 3, "1.5,dog,oops,2");
        Files.writeString(file, String.join("\n", lines));
        String oneMachine = assertThrows(InvalidInputException.class, () -> Csv.read(file, "kind")).getMessage();
        assertEquals(oneMachine, assertThrows(InvalidInputException.class,
                () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1)).getMessage());

        Files.writeString(file, "a,kind,b,c\n1,cat,2,3\n1,dog,2\n");
        assertEquals(file + ":3: 3 fields, expected 4 like the header", assertThrows(InvalidInputException.class,
                () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1)).getMessage());
        Files.writeString(file, "a,kind,b,c\n\n");
        assertEquals(file + ": only a header; expected examples after it", assertThrows(InvalidInputException.class,
                () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1)).getMessage());
        assertEquals(file + ": no column named 'label' in the header (columns: a, kind, b, c)",
                assertThrows(InvalidInputException.class,
                        () -> cluster.readCsvOnExecutors(file.toString(), "label", null, 0.2, 1)).getMessage());
        assertEquals(dir.resolve("none.csv") + ": no such file", assertThrows(InvalidInputException.class,
                () -> cluster.readCsvOnExecutors(dir.resolve("none.csv").toString(), "kind", null, 0.2, 1))
                .getMessage());
        Files.writeString(file, "a,kind,b,c\n1,cat,2,3\n1,dog,2,3\n");
        assertEquals(file + ": 2 examples are too few to hold out 0.2 of them", assertThrows(
                InvalidInputException.class, () -> cluster.readCsvOnExecutors(file.toString(), "kind", null, 0.2, 1))
                .getMessage());
    }
}
