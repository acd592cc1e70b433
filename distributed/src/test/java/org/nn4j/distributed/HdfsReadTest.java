package org.nn4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.data.Standardizer;
import org.nn4j.train.DistributedTraining;

/**
 * Training files on HDFS (a NameNode and a DataNode in this JVM), given as hdfs:// paths, read on the
 * executors as the same files on a local disk are.
 */
class HdfsReadTest {
    @TempDir
    static Path dir;
    private static MiniDFSCluster hdfs;
    private static DistributedTraining.Session cluster;

    @BeforeAll
    static void start() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster = new SparkTraining().open("local[2]", "ejml", false,
                Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    /** {@code local} copied to {@code target} on HDFS, as an hdfs:// path. */
    private static String onHdfs(Path local, String target) throws IOException {
        hdfs.getFileSystem().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()),
                new org.apache.hadoop.fs.Path(target));
        String path = hdfs.getURI() + target;
        assertTrue(path.startsWith("hdfs://"), path);
        return path;
    }

    private static void assertSameData(DistributedTraining.ClusterData expected, DistributedTraining.ClusterData actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.classNames(), actual.classNames());
        assertArrayEquals(expected.test().features(), actual.test().features());
        assertArrayEquals(expected.test().labels(), actual.test().labels());
        List<double[]> fromDisk = CsvOnExecutorsTest.weights(cluster, null, expected, 1);
        List<double[]> fromHdfs = CsvOnExecutorsTest.weights(cluster, null, actual, 1);
        for (int i = 0; i < fromDisk.size(); i++) {
            assertArrayEquals(fromDisk.get(i), fromHdfs.get(i), "parameter " + i);
        }
    }

    @Test
    void idxFilesOnHdfsTrainAsOnDisk() throws IOException {
        Path local = Files.createDirectories(dir.resolve("fashion"));
        ExecutorDataTest.writeIdx(local, 120, 30, false); // plain files: each partition seeks to its rows
        String remote = onHdfs(local, "/datasets/fashion");
        DistributedTraining.ClusterData fromHdfs = cluster.readOnExecutors(remote);
        assertEquals(120, fromHdfs.size());
        DistributedTraining.ClusterData fromDisk = cluster.readOnExecutors(local.toString());
        assertArrayEquals(fromDisk.test().features(), fromHdfs.test().features());
        assertArrayEquals(fromDisk.test().labels(), fromHdfs.test().labels());
        // Statistics that the executors compute from every training example they read.
        Standardizer expected = cluster.standardize(fromDisk, null).standardizer();
        Standardizer actual = cluster.standardize(fromHdfs, null).standardizer();
        assertArrayEquals(expected.mean(), actual.mean());
        assertArrayEquals(expected.std(), actual.std());
    }

    @Test
    void aCsvFileOnHdfsTrainsAsOnDisk() throws IOException {
        Path local = CsvOnExecutorsTest.csv(dir, "points.csv", 150, 5);
        String remote = onHdfs(local, "/datasets/points.csv");
        assertSameData(cluster.readCsvOnExecutors(local.toString(), "kind", null, 0.2, 3),
                cluster.readCsvOnExecutors(remote, "kind", null, 0.2, 3));
    }
}
