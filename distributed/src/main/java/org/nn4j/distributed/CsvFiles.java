package org.nn4j.distributed;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nn4j.data.Csv;
import org.nn4j.data.CsvClasses;
import org.nn4j.data.CsvLayout;
import org.nn4j.data.Dataset;
import org.nn4j.data.LineReader;
import org.nn4j.io.InvalidInputException;

/**
 * A CSV file of labelled examples, read as {@link Csv#read} reads it on one machine, by the driver and
 * every executor through Hadoop's file systems (a path every machine sees, {@code hdfs://}, {@code
 * s3a://}). The file is cut into byte ranges, one a partition, each parsing the lines that begin in
 * it. The driver reads the first line (the layout) alone; {@link #scan} has each range count its
 * examples and collect its distinct labels, from which come the classes (as one machine makes them
 * from the whole file) and each range's first example. Examples may be held out ({@link #holdOut}):
 * those of {@link org.nn4j.data.Split#random}, the same rows as on one machine, which {@link #heldOut}
 * brings to the driver; the others, renumbered in order, are the training set that the ranges' blocks
 * hold.
 */
final class CsvFiles implements ExecutorFiles {
    private static final long serialVersionUID = 1L;
    /** The most bytes of text a range parses: its features as floats stay under the partition cap. */
    static final long MAX_RANGE_BYTES = 128L << 20;

    /** The file as the user named it, for messages; {@link #file} is the path qualified, for reading. */
    final String name;
    private final String file;
    private final CsvLayout layout;
    /** The line number of the file's first line that is not blank, for messages about widths. */
    private final int firstLine;
    /** Where each range begins, and where the last ends: ranges + 1 offsets. */
    private final long[] starts;
    private final Map<String, String> hadoop;
    // Known after scan():
    private final int[] firstExample;
    private final int examples;
    private final CsvClasses classes;
    /** The file's examples held out of training, ascending. */
    private final int[] heldOut;

    private CsvFiles(String name, String file, CsvLayout layout, int firstLine, long[] starts, Map<String, String> hadoop,
            int[] firstExample, int examples, CsvClasses classes, int[] heldOut) {
        this.name = name;
        this.file = file;
        this.layout = layout;
        this.firstLine = firstLine;
        this.starts = starts;
        this.hadoop = hadoop;
        this.firstExample = firstExample;
        this.examples = examples;
        this.classes = classes;
        this.heldOut = heldOut;
    }

    /**
     * {@code file}, its label in {@code labelColumn} (a header's name or a 0-based index), cut into at
     * least {@code ranges} ranges (more where one would parse over {@value #MAX_RANGE_BYTES} bytes),
     * from its first line; {@link #scan} it before use.
     *
     * @throws InvalidInputException naming the file, when it is missing, a directory, empty, or has no
     *     such label column
     */
    static CsvFiles open(String file, String labelColumn, int ranges, Configuration conf) {
        Map<String, String> hadoop = new HashMap<>();
        conf.forEach(e -> hadoop.put(e.getKey(), e.getValue()));
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw new InvalidInputException(file + ": a directory; expected a CSV file of examples");
            }
            // Qualified (file:/abs/...), so that executors, whose working directory is another, find it too.
            String qualified = fs.makeQualified(path).toString();
            long length = status.getLen();
            try (FSDataInputStream in = fs.open(path)) {
                LineReader lines = new LineReader(in, 0);
                int number = 0;
                for (String line = lines.next(); line != null; line = lines.next()) {
                    number++;
                    if (number == 1) {
                        line = Csv.withoutByteOrderMark(line);
                    }
                    if (!Csv.isBlank(line)) {
                        int at = number;
                        CsvLayout layout = CsvLayout.of(file, Csv.firstFields(file, () -> at, line), labelColumn);
                        long dataStart = layout.header() ? lines.position() : 0;
                        return new CsvFiles(file, qualified, layout, number, cut(dataStart, length, ranges), hadoop, null,
                                -1, null, new int[0]);
                    }
                }
            }
            throw new InvalidInputException(file + ": empty; expected a CSV file of examples");
        } catch (FileNotFoundException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(file + ": its first line is not UTF-8 text");
        } catch (LineReader.LineTooLongException e) {
            throw new InvalidInputException(file + ": its first line is " + e.getMessage().substring(2)
                    + "; not a CSV file of examples");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    private static long[] cut(long from, long to, int requested) {
        long bytes = to - from;
        int ranges = (int) Math.max(Math.max(1, requested), (bytes + MAX_RANGE_BYTES - 1) / MAX_RANGE_BYTES);
        long[] starts = new long[ranges + 1];
        for (int r = 0; r <= ranges; r++) {
            starts[r] = from + bytes * r / ranges;
        }
        return starts;
    }

    /** What a range holds: its examples, the line ends before its first line, and its distinct labels. */
    record RangeScan(int examples, TreeSet<String> labels) implements Serializable {
    }

    /**
     * This file with its examples counted and its classes made, from each range's {@link RangeScan}
     * (made by {@link #scanRange} on the executors, in range order).
     *
     * @throws InvalidInputException when the file holds a header alone
     */
    CsvFiles scanned(List<RangeScan> scans) {
        int[] first = new int[scans.size()];
        TreeSet<String> labels = new TreeSet<>();
        int count = 0;
        for (int r = 0; r < scans.size(); r++) {
            first[r] = count;
            count = Math.addExact(count, scans.get(r).examples());
            labels.addAll(scans.get(r).labels());
        }
        if (count == 0) {
            throw new InvalidInputException(name + ": only a header; expected examples after it");
        }
        return new CsvFiles(name, file, layout, firstLine, starts, hadoop, first, count, CsvClasses.of(name, labels),
                heldOut);
    }

    /** This (scanned) file with {@code rows} of its examples (ascending) held out of training. */
    CsvFiles holdOut(int[] rows) {
        return new CsvFiles(name, file, layout, firstLine, starts, hadoop, firstExample, examples, classes,
                rows.clone());
    }

    /** The ranges: a partition each. */
    int ranges() {
        return starts.length - 1;
    }

    /** The examples in the file, held out or not. */
    int examples() {
        return examples;
    }

    List<String> classNames() {
        return classes.names();
    }

    @Override
    public int count() {
        return examples - heldOut.length;
    }

    @Override
    public int featureCount() {
        return layout.featureCount();
    }

    @Override
    public int partitions(int requested) {
        return ranges();
    }

    /** Counts range {@code r}'s examples and collects its labels, checking every field as one machine does. */
    RangeScan scanRange(int r) {
        TreeSet<String> labels = new TreeSet<>();
        Csv.Row row = new Csv.Row(new float[featureCount()], 0);
        int[] count = {0};
        forEachLine(r, (line, text) -> {
            if (labels.add(example(line, text, row)) && labels.size() > CsvClasses.MAX_CLASSES) {
                throw new InvalidInputException(name + ": more than " + CsvClasses.MAX_CLASSES + " distinct labels,"
                        + " more than the " + CsvClasses.MAX_CLASSES + " classes nn4j takes; is the label column the"
                        + " right one?");
            }
            count[0]++;
        });
        return new RangeScan(count[0], labels);
    }

    /** The layout of the file, as its first line tells. */
    CsvLayout layout() {
        return layout;
    }

    /**
     * This (unscanned) held-out file with its columns matched by name to those of {@code training}, the
     * training file's layout ({@link CsvLayout#matchedTo}).
     */
    CsvFiles matchedTo(CsvLayout training, String trainingName) {
        return new CsvFiles(name, file, layout.matchedTo(name, training, trainingName), firstLine, starts, hadoop,
                firstExample, examples, classes, heldOut);
    }

    /** The training examples of range {@code p}, numbered as on one machine after the held-out ones left. */
    @Override
    public ExampleBlock partition(int p, int parts) {
        if (parts != ranges()) {
            throw new IllegalArgumentException(name + " is cut into " + ranges() + " ranges, not " + parts);
        }
        return rows(p, false);
    }

    /** The held-out examples of every range, on the machine that calls this: the driver's test set. */
    Dataset heldOut(List<ExampleBlock> blocks) {
        int d = featureCount();
        int n = 0;
        for (ExampleBlock b : blocks) {
            n += b.rows();
        }
        float[] x = new float[n * d];
        int[] y = new int[n];
        int at = 0;
        for (ExampleBlock b : blocks) {
            System.arraycopy(b.features, 0, x, at * d, b.features.length);
            System.arraycopy(b.labels, 0, y, at, b.rows());
            at += b.rows();
        }
        return new Dataset(x, y, d, classes.names(), name);
    }

    /**
     * Every example of the file (none held out), read on the machine that calls this: a test file, its
     * columns matched to those of {@code training} (the training file's) by name.
     */
    static Dataset readHere(String file, String labelColumn, Configuration conf, CsvFiles training) {
        CsvFiles whole = open(file, labelColumn, 1, conf).matchedTo(training.layout(), training.name);
        whole = whole.scanned(List.of(whole.scanRange(0)));
        ExampleBlock all = whole.partition(0, 1);
        return new Dataset(all.features, all.labels, whole.featureCount(), whole.classNames(), file);
    }

    /**
     * Range {@code r}'s examples: the training ones (indices in the training set) or the held-out ones
     * (indices in the file).
     */
    ExampleBlock rows(int r, boolean held) {
        if (classes == null) {
            throw new IllegalStateException(name + " has not been scanned");
        }
        int d = featureCount();
        int first = firstExample[r];
        int end = r + 1 < firstExample.length ? firstExample[r + 1] : examples;
        int heldHere = insertionPoint(end) - insertionPoint(first);
        int n = held ? heldHere : end - first - heldHere;
        float[] x = new float[n * d];
        int[] y = new int[n];
        int[] index = new int[n];
        int[] next = {first, 0};
        forEachLine(r, (line, text) -> {
            int e = next[0]++;
            int place = java.util.Arrays.binarySearch(heldOut, e);
            if ((place >= 0) == held) {
                int i = next[1]++;
                y[i] = classes.of(example(line, text, new Csv.Row(x, i * d)));
                index[i] = held ? e : e + place + 1; // -(place + 1) held-out examples come before e
            }
        });
        if (next[1] != n) {
            throw new InvalidInputException(name + ": changed while it was read (" + (next[0] - first)
                    + " examples from byte " + starts[r] + ", " + (end - first) + " before)");
        }
        return new ExampleBlock(index, x, y, d);
    }

    /** How many held-out examples come before example {@code e}. */
    private int insertionPoint(int e) {
        int place = java.util.Arrays.binarySearch(heldOut, e);
        return place >= 0 ? place : -(place + 1);
    }

    /**
     * Parses a line's {@code text} into {@code row} and returns its label's class name, as one machine
     * does ({@link CsvLayout}); the line's number is worked out only for the message of a bad line.
     */
    private String example(IntSupplier line, String text, Csv.Row row) {
        return layout.example(name, line, layout.fields(name, line, text, layout.header() ? null : firstLine), row);
    }

    private interface LineWork {
        void accept(IntSupplier line, String text);
    }

    /** Runs {@code work} on each line that begins in range {@code r} and is not blank. */
    private void forEachLine(int r, LineWork work) {
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        Path path = new Path(file);
        long start = starts[r];
        long end = starts[r + 1];
        boolean atLineStart = r == 0;
        try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
            in.seek(atLineStart ? start : start - 1);
            LineReader lines = new LineReader(in, atLineStart ? start : start - 1);
            if (!atLineStart) {
                lines.next(); // the end of a line that began before the range, or just its end
            }
            while (lines.position() < end) {
                long lineStart = lines.position();
                String line;
                try {
                    line = lines.next();
                } catch (CharacterCodingException e) {
                    throw new InvalidInputException(name + ":" + lineNumber(lineStart) + ": not UTF-8 text");
                } catch (LineReader.LineTooLongException e) {
                    throw new InvalidInputException(name + ":" + lineNumber(lineStart) + ": " + e.getMessage()
                            + "; not a CSV file of examples");
                }
                if (line == null) {
                    break;
                }
                if (lineStart == 0) {
                    line = Csv.withoutByteOrderMark(line);
                }
                if (!Csv.isBlank(line)) {
                    work.accept(() -> (int) lineNumber(lineStart), line);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException(name + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** The number of the line that begins at byte {@code offset}: one more than the line ends before it. */
    private long lineNumber(long offset) {
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        Path path = new Path(file);
        try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
            LineReader lines = new LineReader(in, 0);
            long number = 1;
            while (lines.position() < offset && lines.next() != null) {
                number++;
            }
            return number;
        } catch (IOException e) {
            throw new InvalidInputException(name + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }
}
