package org.nn4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.nn4j.io.InvalidInputException;

/**
 * CSV files of labelled examples: one example per line, comma-separated, one column holding the
 * label and every other column a number. A first line with any field that is not a number is a
 * header. Labels that are all whole numbers are class indices; otherwise each distinct label is a
 * class, in sorted order.
 */
public final class Csv {

    private Csv() {
    }

    /**
     * Reads {@code file}, taking the label from {@code labelColumn}: a column name from the header,
     * or a 0-based column index.
     *
     * @throws InvalidInputException naming the file, the line and what was expected
     */
    public static Dataset read(Path file, String labelColumn) {
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        readLines(file, rows, lineNumbers);
        String[] first = rows.get(0);
        int width = first.length;
        int label = labelIndex(file, first, labelColumn);
        boolean header = !allNumbersBut(first, label) || !isIndex(labelColumn);
        if (header && rows.size() == 1) {
            throw new InvalidInputException(file + ": only a header; expected examples after it");
        }
        String[] names = header ? first : null;
        int start = header ? 1 : 0;
        int count = rows.size() - start;
        float[] features = new float[count * (width - 1)];
        String[] labelTokens = new String[count];
        for (int r = 0; r < count; r++) {
            String[] fields = rows.get(start + r);
            int line = lineNumbers.get(start + r);
            if (fields.length != width) {
                throw new InvalidInputException(file + ":" + line + ": " + fields.length + " fields, expected " + width
                        + (header ? " like the header" : " like line " + lineNumbers.get(0)));
            }
            int f = 0;
            for (int c = 0; c < width; c++) {
                if (c == label) {
                    labelTokens[r] = fields[c];
                    continue;
                }
                features[r * (width - 1) + f++] = number(file, line, names, c, fields[c]);
            }
        }
        return labelled(file, features, width - 1, labelTokens, lineNumbers, start);
    }

    /**
     * Reads rows of features only (every column a number), with or without a header.
     *
     * @return the rows, row-major, and their width
     */
    public static Features readFeatures(Path file) {
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        readLines(file, rows, lineNumbers);
        boolean header = !allNumbersBut(rows.get(0), -1);
        String[] names = header ? rows.get(0) : null;
        int start = header ? 1 : 0;
        if (rows.size() == start) {
            throw new InvalidInputException(file + ": only a header; expected rows of features after it");
        }
        int width = rows.get(0).length;
        float[] values = new float[(rows.size() - start) * width];
        for (int r = start; r < rows.size(); r++) {
            String[] fields = rows.get(r);
            if (fields.length != width) {
                throw new InvalidInputException(file + ":" + lineNumbers.get(r) + ": " + fields.length
                        + " fields, expected " + width);
            }
            for (int c = 0; c < width; c++) {
                values[(r - start) * width + c] = number(file, lineNumbers.get(r), names, c, fields[c]);
            }
        }
        return new Features(values, width);
    }

    /** Rows of features: {@code values.length / width} rows of {@code width}. */
    public record Features(float[] values, int width) {
        public int rows() {
            return values.length / width;
        }
    }

    private static void readLines(Path file, List<String[]> rows, List<Integer> lineNumbers) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    rows.add(split(line));
                    lineNumbers.add(number);
                }
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException(file + ": empty; expected a CSV file of examples");
        }
    }

    private static Dataset labelled(Path file, float[] features, int featureCount, String[] tokens,
            List<Integer> lineNumbers, int start) {
        boolean indices = true;
        for (String token : tokens) {
            indices &= token.matches("\\d+");
        }
        int[] labels = new int[tokens.length];
        List<String> classNames = new ArrayList<>();
        if (indices) {
            int max = 0;
            for (int r = 0; r < tokens.length; r++) {
                try {
                    labels[r] = Integer.parseInt(tokens[r]);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(file + ":" + lineNumbers.get(start + r) + ": label '" + tokens[r]
                            + "' is too large for a class index");
                }
                max = Math.max(max, labels[r]);
            }
            for (int c = 0; c <= max; c++) {
                classNames.add(Integer.toString(c));
            }
        } else {
            classNames.addAll(new TreeSet<>(List.of(tokens)));
            for (int r = 0; r < tokens.length; r++) {
                labels[r] = classNames.indexOf(tokens[r]);
            }
        }
        return new Dataset(features, labels, featureCount, classNames, file.toString());
    }

    private static int labelIndex(Path file, String[] first, String labelColumn) {
        if (isIndex(labelColumn)) {
            int index = Integer.parseInt(labelColumn.trim());
            if (index >= first.length) {
                throw new InvalidInputException(file + ": label column " + index + " does not exist; the file has "
                        + first.length + " columns (0 to " + (first.length - 1) + ")");
            }
            return index;
        }
        for (int c = 0; c < first.length; c++) {
            if (first[c].equals(labelColumn)) {
                return c;
            }
        }
        throw new InvalidInputException(file + ": no column named '" + labelColumn + "' in the header (columns: "
                + String.join(", ", first) + ")");
    }

    private static boolean isIndex(String labelColumn) {
        return labelColumn.trim().matches("\\d{1,9}");
    }

    private static boolean allNumbersBut(String[] fields, int skip) {
        for (int c = 0; c < fields.length; c++) {
            if (c != skip && !isNumber(fields[c])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String field) {
        try {
            Double.parseDouble(field);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static float number(Path file, int line, String[] names, int column, String field) {
        try {
            float value = Float.parseFloat(field);
            if (Float.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        String name = names == null ? "column " + column : "column '" + names[column] + "'";
        throw new InvalidInputException(file + ":" + line + ": " + name + " is '" + field + "'; expected a finite number");
    }

    private static String[] split(String line) {
        String[] fields = line.split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i].trim();
            if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
                f = f.substring(1, f.length() - 1);
            }
            fields[i] = f;
        }
        return fields;
    }
}
