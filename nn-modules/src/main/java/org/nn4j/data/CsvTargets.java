package org.nn4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nn4j.io.InvalidInputException;

/**
 * CSV files of examples for regression: every field a number ({@link CsvFeatures#readFeatures(Path)}: a first line
 * with a field that is not a number is a header), one or more columns the targets, given by header name
 * or 0-based index, and every other column a feature.
 *
 * <pre>{@code
 * Dataset houses = CsvTargets.read(Path.of("houses.csv"), List.of("price"));
 * }</pre>
 */
public final class CsvTargets {
    private CsvTargets() {
    }

    /**
     * Reads {@code file}, its targets in {@code targetColumns}.
     *
     * @throws InvalidInputException naming the file, for a column that does not exist or is given twice, a
     *     field that is not a number (the line and column), or no column left for features
     */
    public static Dataset read(Path file, List<String> targetColumns) {
        return split(readAll(file), file.toString(), targetColumns, null);
    }

    /**
     * Reads training examples from {@code train} and held-out ones from {@code test}, the targets in {@code
     * targetColumns} of each; where both files have a header, the test file's columns are matched to the
     * training file's by name, else by position.
     */
    public static Csv.TrainAndTest read(Path train, Path test, List<String> targetColumns) {
        CsvFeatures.Features trainRows = readAll(train);
        Dataset training = split(trainRows, train.toString(), targetColumns, null);
        CsvFeatures.Features testRows = readAll(test);
        return new Csv.TrainAndTest(training, split(testRows, test.toString(), targetColumns,
                new Like(trainRows, train.toString())));
    }

    /** The training file a held-out file's columns are matched to. */
    private record Like(CsvFeatures.Features rows, String source) {
    }

    private static CsvFeatures.Features readAll(Path file) {
        try {
            return CsvFeatures.readFeatures(file);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + " (for regression every column is a number, the"
                    + " targets too; classes take a classification loss)", e);
        }
    }

    private static Dataset split(CsvFeatures.Features all, String source, List<String> targetColumns, Like like) {
        if (all.ids() != null) {
            throw new IllegalArgumentException(source + ": token ids are not regression features");
        }
        int width = all.width();
        int[] order = columnOrder(all, source, like);
        List<String> names = new ArrayList<>();
        boolean[] isTarget = new boolean[width];
        int[] targets = new int[targetColumns.size()];
        List<String> columnNames = like != null && like.rows().names() != null ? like.rows().names() : all.names();
        for (int t = 0; t < targets.length; t++) {
            String column = targetColumns.get(t);
            if (columnNames == null && !Csv.isIndex(column)) {
                throw new InvalidInputException(source + ": no header line, so no column named '"
                        + InvalidInputException.shown(column) + "'; give the target column by its 0-based index");
            }
            String[] header = columnNames != null ? columnNames.toArray(String[]::new) : new String[width];
            int c = Csv.labelIndex(source, header, column);
            if (isTarget[c]) {
                throw new InvalidInputException(source + ": target column '" + InvalidInputException.shown(
                        columnNames != null ? columnNames.get(c) : column) + "' is given twice");
            }
            isTarget[c] = true;
            targets[t] = c;
            names.add(columnNames != null ? columnNames.get(c) : Integer.toString(c));
        }
        int features = width - targets.length;
        if (features < 1) {
            throw new InvalidInputException(source + ": every column is a target; expected features besides them");
        }
        int rows = all.rows();
        float[] x = new float[rows * features];
        float[] y = new float[rows * targets.length];
        float[] values = all.values();
        for (int r = 0; r < rows; r++) {
            int at = r * width;
            for (int c = 0, f = 0; c < width; c++) {
                if (!isTarget[c]) {
                    x[r * features + f++] = values[at + order[c]];
                }
            }
            for (int t = 0; t < targets.length; t++) {
                y[r * targets.length + t] = values[at + order[targets[t]]];
            }
        }
        return Dataset.ofTargets(x, y, features, names, source);
    }

    /**
     * For each column of the training file's layout, where a file's rows hold it: the identity, or for a
     * held-out file with a header like the training file's, its column of that name.
     */
    private static int[] columnOrder(CsvFeatures.Features all, String source, Like like) {
        int width = like != null ? like.rows().width() : all.width();
        if (like != null && all.width() != width) {
            throw new InvalidInputException(source + ": " + all.width() + " columns, but " + like.source() + " has "
                    + width);
        }
        int[] order = new int[width];
        List<String> wanted = like != null ? like.rows().names() : null;
        for (int c = 0; c < width; c++) {
            order[c] = c;
            if (wanted != null && all.names() != null) {
                order[c] = all.names().indexOf(wanted.get(c));
                if (order[c] < 0) {
                    throw new InvalidInputException(source + ": no column named '"
                            + InvalidInputException.shown(wanted.get(c)) + "', which " + like.source() + " has");
                }
            }
        }
        return order;
    }
}
