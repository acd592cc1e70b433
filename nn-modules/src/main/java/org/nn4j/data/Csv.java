package org.nn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
        return examples(file.toString(), Rows.of(file), labelColumn);
    }

    /**
     * As {@link #read(Path, String)}, from {@code in}; {@code source} names it in messages.
     *
     * @throws InvalidInputException naming the source, the line and what was expected
     */
    public static Dataset read(InputStream in, String source, String labelColumn) {
        return examples(source, Rows.of(in, source), labelColumn);
    }

    /** The non-blank lines of a file split into fields, and the number of each line. */
    private record Rows(List<String[]> fields, List<Integer> lineNumbers) {
        static Rows of(Path file) {
            Rows rows = new Rows(new ArrayList<>(), new ArrayList<>());
            readLines(file, rows.fields, rows.lineNumbers);
            return rows;
        }

        static Rows of(InputStream in, String source) {
            Rows rows = new Rows(new ArrayList<>(), new ArrayList<>());
            try {
                readLines(in, source, rows.fields, rows.lineNumbers);
            } catch (IOException e) {
                throw new InvalidInputException(source + ": cannot read it (" + e.getMessage() + ")", e);
            }
            return rows;
        }
    }

    private static Dataset examples(String source, Rows lines, String labelColumn) {
        List<String[]> rows = lines.fields();
        List<Integer> lineNumbers = lines.lineNumbers();
        Layout layout = Layout.of(source, rows.get(0), labelColumn);
        if (layout.header() && rows.size() == 1) {
            throw new InvalidInputException(source + ": only a header; expected examples after it");
        }
        int start = layout.header() ? 1 : 0;
        int count = rows.size() - start;
        int d = layout.featureCount();
        float[] features = new float[arrayLength(source, count, d)];
        String[] labelTokens = new String[count];
        for (int r = 0; r < count; r++) {
            int line = lineNumbers.get(start + r);
            labelTokens[r] = layout.example(source, line, rows.get(start + r), features, r * d,
                    layout.header() ? null : lineNumbers.get(0));
        }
        Classes classes = Classes.of(source, new TreeSet<>(List.of(labelTokens)));
        int[] labels = new int[count];
        for (int r = 0; r < count; r++) {
            labels[r] = classes.of(labelTokens[r]);
        }
        return new Dataset(features, labels, d, classes.names(), source);
    }

    /**
     * How a CSV file of labelled examples is laid out, as its first line tells: how many fields a line
     * has, which holds the label, and the header's names (null without a header). The first line is a
     * header when a field other than the label is not a number, or when the label column is given by
     * name.
     *
     * @param width the fields of every line
     * @param labelColumn the field that holds the label, from 0
     * @param names the header's names, or null without a header
     */
    public record Layout(int width, int labelColumn, List<String> names) implements java.io.Serializable {

        /**
         * The layout of a file whose first line has {@code first} fields, the label in {@code
         * labelColumn} (a name from the header or a 0-based index).
         *
         * @throws InvalidInputException naming {@code source}, when the label column does not exist
         */
        public static Layout of(String source, String[] first, String labelColumn) {
            int label = labelIndex(source, first, labelColumn);
            if (first.length < 2) {
                throw new InvalidInputException(source + ": the label is its only column; expected features besides it");
            }
            boolean header = !allNumbersBut(first, label) || !isIndex(labelColumn);
            return new Layout(first.length, label, header ? List.of(first) : null);
        }

        /** Whether the first line is a header. */
        public boolean header() {
            return names != null;
        }

        /** The features of each example: every field but the label. */
        public int featureCount() {
            return width - 1;
        }

        /**
         * Parses line {@code line}'s {@code fields}: writes its features into {@code features} from
         * {@code offset} and returns its label as written.
         *
         * @param firstLine for the message on a line of another width without a header: the line whose
         *     width is the file's
         * @throws InvalidInputException naming {@code source} and the line, for a line of another width
         *     or a feature that is not a finite number
         */
        public String example(String source, int line, String[] fields, float[] features, int offset,
                Integer firstLine) {
            if (fields.length != width) {
                throw new InvalidInputException(source + ":" + line + ": " + fields.length + " fields, expected "
                        + width + (header() ? " like the header" : " like line " + firstLine));
            }
            int f = offset;
            for (int c = 0; c < width; c++) {
                if (c != labelColumn) {
                    features[f++] = number(source, line, names, c, fields[c]);
                }
            }
            return fields[labelColumn];
        }
    }

    /**
     * The classes of a file of labelled examples, from the distinct labels as written: 0 to the largest
     * when all are whole numbers (class indices), else each distinct label, in sorted order.
     *
     * @param names the class names, by index
     * @param indices whether the labels are class indices
     */
    public record Classes(List<String> names, boolean indices) implements java.io.Serializable {
        /** The most classes a file may have: far more than any classifier here needs, few enough to hold. */
        public static final int MAX_CLASSES = 100_000;

        /** Keeps a copy of {@code names}. */
        public Classes {
            names = List.copyOf(names);
        }

        /**
         * The classes of a file ({@code source}, for messages) whose distinct labels are {@code tokens}.
         *
         * @throws InvalidInputException naming {@code source}, for a class index too large
         */
        public static Classes of(String source, java.util.SortedSet<String> tokens) {
            boolean indices = true;
            for (String token : tokens) {
                indices &= token.matches("\\d+");
            }
            if (!indices) {
                if (tokens.size() > MAX_CLASSES) {
                    throw new InvalidInputException(source + ": " + tokens.size() + " distinct labels, more than the "
                            + MAX_CLASSES + " classes nn4j takes; is the label column the right one?");
                }
                return new Classes(List.copyOf(tokens), false);
            }
            int max = 0;
            for (String token : tokens) {
                long index = token.length() > 12 ? Long.MAX_VALUE : Long.parseLong(token);
                if (index >= MAX_CLASSES) {
                    throw new InvalidInputException(source + ": label '" + shown(token) + "' asks for "
                            + (index == Long.MAX_VALUE ? "more than " + MAX_CLASSES : Long.toString(index + 1))
                            + " classes (whole-number labels are class indices from 0), more than the " + MAX_CLASSES
                            + " nn4j takes");
                }
                max = Math.max(max, (int) index);
            }
            List<String> names = new ArrayList<>();
            for (int c = 0; c <= max; c++) {
                names.add(Integer.toString(c));
            }
            return new Classes(names, true);
        }

        /** The class of label {@code token}, one of the labels these classes were made from. */
        public int of(String token) {
            return indices ? Integer.parseInt(token) : java.util.Collections.binarySearch(names, token);
        }
    }

    /**
     * Reads rows of features only (every column a number), with or without a header.
     *
     * @return the rows, row-major, and their width
     */
    public static Features readFeatures(Path file) {
        return features(file.toString(), Rows.of(file));
    }

    /**
     * As {@link #readFeatures(Path)}, from {@code in}; {@code source} names it in messages.
     *
     * @throws InvalidInputException naming the source, the line and what was expected
     */
    public static Features readFeatures(InputStream in, String source) {
        return features(source, Rows.of(in, source));
    }

    private static Features features(String source, Rows lines) {
        List<String[]> rows = lines.fields();
        List<Integer> lineNumbers = lines.lineNumbers();
        boolean header = !allNumbersBut(rows.get(0), -1);
        List<String> names = header ? List.of(rows.get(0)) : null;
        int start = header ? 1 : 0;
        if (rows.size() == start) {
            throw new InvalidInputException(source + ": only a header; expected rows of features after it");
        }
        int width = rows.get(0).length;
        float[] values = new float[arrayLength(source, rows.size() - start, width)];
        for (int r = start; r < rows.size(); r++) {
            String[] fields = rows.get(r);
            if (fields.length != width) {
                throw new InvalidInputException(source + ":" + lineNumbers.get(r) + ": " + fields.length
                        + " fields, expected " + width);
            }
            for (int c = 0; c < width; c++) {
                values[(r - start) * width + c] = number(source, lineNumbers.get(r), names, c, fields[c]);
            }
        }
        return new Features(values, width);
    }

    /** Rows of features: {@code values.length / width} rows of {@code width}. */
    public record Features(float[] values, int width) {
        /** The number of rows: {@code values.length / width}. */
        public int rows() {
            return values.length / width;
        }
    }

    private static int arrayLength(String source, int rows, int width) {
        long length = (long) rows * width;
        if (length > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException(source + ": " + rows + " rows of " + width + " values are " + length
                    + " values, more than one array holds (2^31); split the file");
        }
        return (int) length;
    }

    private static void readLines(Path file, List<String[]> rows, List<Integer> lineNumbers) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": a directory; expected a CSV file of examples");
        }
        try (InputStream in = org.nn4j.io.InputFiles.open(file)) {
            readLines(in, file.toString(), rows, lineNumbers);
        } catch (IOException e) {
            throw org.nn4j.io.InputFiles.unreadable(file, e);
        }
    }

    /** The non-blank lines of {@code in} split into fields, and the number of each line. */
    private static void readLines(InputStream in, String source, List<String[]> rows, List<Integer> lineNumbers)
            throws IOException {
        int number = 0;
        try {
            LineReader lines = new LineReader(in, 0);
            String line;
            while ((line = lines.next()) != null) {
                number++;
                if (number == 1) {
                    line = withoutByteOrderMark(line);
                }
                if (!line.isBlank()) {
                    int at = number;
                    rows.add(fields(source, () -> at, line));
                    lineNumbers.add(number);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(source + ":" + (number + 1) + ": not UTF-8 text");
        } catch (LineReader.LineTooLongException e) {
            throw new InvalidInputException(source + ":" + (number + 1) + ": " + e.getMessage() + "; not a CSV file of"
                    + " examples");
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException(source + ": empty; expected a CSV file of examples");
        }
    }

    private static int labelIndex(String file, String[] first, String labelColumn) {
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

    private static float number(String file, int line, List<String> names, int column, String field) {
        try {
            float value = Float.parseFloat(field);
            if (Float.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        String name = names == null ? "column " + column : "column '" + names.get(column) + "'";
        throw new InvalidInputException(file + ":" + line + ": " + name + " is '" + shown(field)
                + "'; expected a finite number");
    }

    /**
     * {@code firstLine} without the UTF-8 byte-order mark that some editors write at a file's start,
     * which would otherwise become part of the first field (a header's first name, or a class of its
     * own).
     */
    public static String withoutByteOrderMark(String firstLine) {
        return firstLine.startsWith("\uFEFF") ? firstLine.substring(1) : firstLine;
    }

    /** {@code value} for a message: whole when short, else its start and its length. */
    static String shown(String value) {
        return InvalidInputException.shown(value);
    }

    /**
     * As {@link #fields(String)}, a malformed line reported as line {@code line} of {@code source}
     * (worked out only then).
     *
     * @throws InvalidInputException naming the source, the line and what is wrong
     */
    public static String[] fields(String source, java.util.function.IntSupplier line, String text) {
        try {
            return fields(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": " + e.getMessage());
        }
    }

    /**
     * The fields of a CSV line, as RFC 4180 quotes them: split at commas, white space around a field
     * dropped; a field in double quotes may hold commas, and a doubled quote stands for one.
     *
     * @throws IllegalArgumentException saying what is wrong, for a quote left open (a field that goes on
     *     over the line's end: not supported) or text after a field's closing quote
     */
    public static String[] fields(String line) {
        List<String> fields = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) != ',' && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder field = new StringBuilder();
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("the quote at character " + (open + 1) + " is not closed"
                                + " on its line (fields over several lines are not supported)");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(ch);
                    }
                }
                int closing = i; // the closing quote's place, counting from 1
                while (i < n && line.charAt(i) != ',' && Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("text after the closing quote at character " + closing
                            + "; a field in quotes ends at its quote");
                }
                fields.add(field.toString());
            } else {
                int end = line.indexOf(',', i);
                fields.add(line.substring(i, end < 0 ? n : end).trim());
                i = end < 0 ? n : end;
            }
            if (i >= n) {
                return fields.toArray(String[]::new);
            }
            i++; // the comma
            if (i == n) {
                fields.add("");
                return fields.toArray(String[]::new);
            }
        }
    }
}
