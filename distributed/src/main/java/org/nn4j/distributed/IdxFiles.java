package org.nn4j.distributed;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;
import org.nn4j.data.Idx;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;

/**
 * One split (train or t10k) of Fashion-MNIST's IDX files in a directory that the driver and every
 * executor read through Hadoop's file systems, the ones Spark reads with: a path every machine sees
 * ({@code file:} or none), {@code hdfs://}, or {@code s3a://} where its connector is on the class path.
 * The driver reads the headers alone; each partition reads its own rows, seeking to them in plain files
 * (gzip'd ones are read from their start).
 */
final class IdxFiles implements ExecutorFiles {
    private static final long serialVersionUID = 1L;

    final String images;
    final String labels;
    final int count;
    final int featureCount;
    private final int imagesHeader;
    private final int labelsHeader;
    /** The driver's Hadoop settings (spark.hadoop.* among them), for the executors' file systems. */
    private final Map<String, String> hadoop;

    private IdxFiles(String images, String labels, int count, int featureCount, int imagesHeader, int labelsHeader,
            Map<String, String> hadoop) {
        this.images = images;
        this.labels = labels;
        this.count = count;
        this.featureCount = featureCount;
        this.imagesHeader = imagesHeader;
        this.labelsHeader = labelsHeader;
        this.hadoop = hadoop;
    }

    /**
     * The files of {@code split} in {@code directory}, gzip'd ({@code .gz}) or not, from their headers.
     *
     * @throws InvalidInputException naming the directory or file, when a file is missing or its header
     *     is not what Fashion-MNIST's is, or images and labels differ in count
     */
    static IdxFiles open(String directory, String split, Configuration conf) {
        Map<String, String> hadoop = new HashMap<>();
        conf.forEach(e -> hadoop.put(e.getKey(), e.getValue()));
        String images = existing(directory, FashionMnist.file(split, "images"), conf);
        String labels = existing(directory, FashionMnist.file(split, "labels"), conf);
        Idx.Header imageHeader = header(images, conf, true);
        Idx.Header labelHeader = header(labels, conf, false);
        if (imageHeader.count() != labelHeader.count()) {
            throw new InvalidInputException(labels + ": " + labelHeader.count() + " labels for the "
                    + imageHeader.count() + " images of " + images);
        }
        long pixels = (long) imageHeader.rows() * imageHeader.cols();
        if (pixels > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException(images + ": its header promises images of " + imageHeader.rows() + "x"
                    + imageHeader.cols() + ", more pixels than one example can hold");
        }
        int features = (int) pixels;
        return new IdxFiles(images, labels, imageHeader.count(), features, imageHeader.bytes(), labelHeader.bytes(),
                hadoop);
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int partitions(int requested) {
        return SparkData.partitionCount(requested, count, featureCount);
    }

    @Override
    public ExampleBlock partition(int p, int parts) {
        return block((int) ((long) p * count / parts), (int) ((long) (p + 1) * count / parts));
    }

    /** Examples {@code from .. to} (their indices in the split, pixels in [0, 1], classes checked). */
    ExampleBlock block(int from, int to) {
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        int rows = to - from;
        byte[] pixels = read(images, conf, imagesHeader + (long) from * featureCount, rows * featureCount);
        byte[] classes = read(labels, conf, labelsHeader + (long) from, rows);
        float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            features[i] = Idx.pixel(pixels[i]);
        }
        int[] indices = new int[rows];
        int[] labelled = new int[rows];
        for (int r = 0; r < rows; r++) {
            indices[r] = from + r;
            labelled[r] = classes[r] & 0xFF;
            FashionMnist.requireClass(labelled[r], from + r, labels);
        }
        return new ExampleBlock(indices, features, labelled, featureCount);
    }

    /** All the split's examples, on the machine that calls this: for a test set, which the driver evaluates on. */
    Dataset dataset() {
        ExampleBlock all = block(0, count);
        return new Dataset(all.features, all.labels, featureCount, FashionMnist.CLASS_NAMES, images);
    }

    private static String existing(String directory, String gzipped, Configuration conf) {
        String plain = gzipped.substring(0, gzipped.length() - 3);
        try {
            Path dir = new Path(directory);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new InvalidInputException(directory + ": not a directory; expected Fashion-MNIST's four IDX"
                        + " files in it");
            }
            for (String name : new String[] {gzipped, plain}) {
                // Qualified (file:/abs/...), so that executors, whose working directory is another, find it too.
                Path file = fs.makeQualified(new Path(dir, name));
                if (fs.exists(file)) {
                    return file.toString();
                }
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InvalidInputException(directory + ": no such directory; expected Fashion-MNIST's four IDX files"
                    + " in it (" + gzipped + " and so on)");
        } catch (IOException e) {
            throw unreadable(directory, e);
        }
        throw new InvalidInputException(directory + ": no " + gzipped + " (or without .gz) in it");
    }

    /**
     * A file's header, read with one opening of the file; a plain file's length must be what the header
     * promises (gzip'd ones are checked as they are read).
     */
    private static Idx.Header header(String file, Configuration conf, boolean images) {
        try (FSDataInputStream raw = open(file, conf)) {
            boolean gzip = isGzip(raw);
            raw.seek(0);
            Idx.Header header;
            try (InputStream in = Idx.gunzipIfNeeded(raw, file)) {
                header = images ? Idx.imagesHeader(in, file) : Idx.labelsHeader(in, file);
            }
            long body = header.bodyBytes();
            long expected = body == Long.MAX_VALUE ? body : header.bytes() + body;
            long length = gzip ? expected : new Path(file).getFileSystem(conf).getFileStatus(new Path(file)).getLen();
            if (length != expected) {
                throw new InvalidInputException(file + ": " + length + " bytes, but its header promises " + expected
                        + (length < expected ? " (truncated?)" : ""));
            }
            return header;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** {@code length} bytes of {@code file}'s content (unzipped) from byte {@code offset}. */
    private static byte[] read(String file, Configuration conf, long offset, int length) {
        try (FSDataInputStream raw = open(file, conf)) {
            boolean gzip = isGzip(raw);
            raw.seek(0);
            InputStream in = raw;
            if (gzip) {
                in = new GZIPInputStream(raw, 1 << 16);
                in.skipNBytes(offset);
            } else {
                raw.seek(offset);
            }
            // Read as the bytes arrive: a gzip'd file's header is checked only here, so it may promise more.
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException();
            }
            return bytes;
        } catch (EOFException e) {
            throw new InvalidInputException(file + ": truncated: it ends before byte " + (offset + length)
                    + " of its content, which its header promises");
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static boolean isGzip(FSDataInputStream in) throws IOException {
        int b1 = in.read();
        int b2 = in.read();
        return b1 == 0x1f && b2 == 0x8b;
    }

    private static FSDataInputStream open(String file, Configuration conf) throws IOException {
        Path path = new Path(file);
        return path.getFileSystem(conf).open(path);
    }

    private static InvalidInputException unreadable(String name, IOException e) {
        return new InvalidInputException(name + ": cannot read it (" + e.getMessage() + ")", e);
    }
}
