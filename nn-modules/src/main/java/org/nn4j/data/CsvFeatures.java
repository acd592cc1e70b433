package org.nn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nn4j.io.InvalidInputException;

/**
 * CSV files of features only, every column a number (or a token id), with or without a header: what
 * a model predicts from, and what {@link CsvTargets} splits into features and targets. Lines, numbers
 * and headers are read as {@link Csv} reads them.
 */
public final class CsvFeatures {
    private CsvFeatures() {
    }

    /**
     * Reads rows of features only (every column a number), with or without a header.
     *
     * @return the rows, row-major, and their width
     */
    public static Features readFeatures(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": a directory; expected a CSV file of features");
        }
        try (InputStream in = org.nn4j.io.InputFiles.open(file)) {
            return features(file.toString(), new Csv.Lines(in, file.toString()), false, List.of());
        } catch (IOException e) {
            throw org.nn4j.io.InputFiles.unreadable(file, e);
        }
    }

    /**
     * As {@link #readFeatures(Path)}, from {@code in}; {@code source} names it in messages.
     *
     * @throws InvalidInputException naming the source, the line and what was expected
     */
    public static Features readFeatures(InputStream in, String source) {
        return readFeatures(in, source, List.of());
    }

    /**
     * As {@link #readFeatures(InputStream, String)}, leaving out the columns {@code skipped} (header
     * names or 0-based indices: a file's label columns, say), whatever they hold.
     *
     * @throws InvalidInputException naming the source, for a skipped column it does not have
     */
    public static Features readFeatures(InputStream in, String source, List<String> skipped) {
        return read(in, source, false, skipped);
    }

    /** As {@link #readFeatures(InputStream, String)}, each value a token id: {@link Features#ids()} set. */
    public static Features readTokenRows(InputStream in, String source) {
        return readTokenRows(in, source, List.of());
    }

    /** As {@link #readTokenRows(InputStream, String)}, leaving out the columns {@code skipped}. */
    public static Features readTokenRows(InputStream in, String source, List<String> skipped) {
        return read(in, source, true, skipped);
    }

    private static Features read(InputStream in, String source, boolean tokens, List<String> skipped) {
        try {
            return features(source, new Csv.Lines(in, source), tokens, skipped);
        } catch (IOException e) {
            throw new InvalidInputException(source + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    private static Features features(String source, Csv.Lines lines, boolean tokens, List<String> skipped)
            throws IOException {
        String first = lines.next();
        if (first == null) {
            throw new InvalidInputException(source + ": empty; expected a CSV file of examples");
        }
        int firstLine = lines.number();
        String[] firstFields = Csv.firstFields(source, () -> firstLine, first);
        int columns = firstFields.length;
        boolean[] skip = new boolean[columns];
        boolean header = false;
        for (String column : skipped) {
            header |= !Csv.isIndex(column);
            skip[Csv.labelIndex(source, firstFields, column)] = true;
        }
        int kept = 0;
        for (int c = 0; c < columns; c++) {
            header |= !skip[c] && !CsvNumbers.isNumber(firstFields[c]);
            kept += skip[c] ? 0 : 1;
        }
        if (kept == 0) {
            throw new InvalidInputException(source + ": every column is left out; expected features besides them");
        }
        List<String> names = null;
        if (header) {
            Csv.requireDistinct(source, firstFields);
            java.util.List<String> featureNames = new java.util.ArrayList<>();
            for (int c = 0; c < columns; c++) {
                if (!skip[c]) {
                    featureNames.add(firstFields[c]);
                }
            }
            names = List.copyOf(featureNames);
        }
        int width = kept;
        Csv.Floats values = tokens ? null : new Csv.Floats(source, width);
        CsvTokens.Ints ids = tokens ? new CsvTokens.Ints(source, width, 0, null) : null;
        int rows = 0;
        String[] fields = header ? null : firstFields;
        int number = firstLine;
        while (true) {
            if (fields == null) {
                String line = lines.next();
                if (line == null) {
                    break;
                }
                number = lines.number();
                int at = number;
                fields = Csv.fieldsOfWidth(source, () -> at, line, columns, "");
            }
            float[] row = tokens ? null : values.array(rows);
            int[] idRow = tokens ? ids.array(rows) : null;
            int at = number;
            for (int c = 0, f = 0; c < columns; c++) {
                if (skip[c]) {
                    continue;
                }
                if (tokens) {
                    idRow[rows * width + f] = CsvTokens.id(source, () -> at, names, names == null ? c : f, fields[c], 0,
                            null);
                } else {
                    row[rows * width + f] = Csv.number(source, () -> at, names, names == null ? c : f, fields[c]);
                }
                f++;
            }
            rows++;
            fields = null;
        }
        if (rows == 0) {
            throw new InvalidInputException(source + ": only a header; expected rows of features after it");
        }
        return new Features(tokens ? null : values.trimmed(rows), width, tokens ? ids.trimmed(rows) : null, names);
    }

    /**
     * Rows of features: {@code values.length / width} rows of {@code width}; or of token ids, {@code ids}
     * ({@code values} null); {@code names} the header's column names, or null for a file without one.
     */
    public record Features(float[] values, int width, int[] ids, List<String> names) {
        /** Rows of features. */
        public Features(float[] values, int width) {
            this(values, width, null, null);
        }

        /** The number of rows. */
        public int rows() {
            return (values != null ? values.length : ids.length) / width;
        }
    }

}
