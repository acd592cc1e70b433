package org.nn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.nn4j.io.InvalidInputException;

/**
 * CSV files of labelled examples: one example per line, comma-separated, one column holding the
 * label and every other column a number ({@link CsvNumbers}: decimal, as CSV files write numbers). A
 * first line with any field that is not a number is a header; its names must differ. A label that is
 * a number is the class of its value ({@code 1}, {@code 1.0} and {@code 01} are one class); labels
 * that are all whole numbers from 0 are class indices; otherwise each distinct label is a class,
 * numbers first by value, then the others in text order. An empty label is refused.
 *
 * <p>A file is read line by line, each line parsed as it is read: what reading costs is about what its
 * examples hold as floats, and a line of the wrong width is refused before its fields are split.
 */
public final class Csv {
    /** The most fields a line may have: beyond any CSV file of features, few enough for a header's names to be held. */
    public static final int MAX_COLUMNS = 1 << 21;

    private Csv() {
    }

    /**
     * Reads {@code file}, taking the label from {@code labelColumn}: a column name from the header,
     * or a 0-based column index.
     *
     * @throws InvalidInputException naming the file, the line and what was expected
     */
    public static Dataset read(Path file, String labelColumn) {
        return readFile(file, labelColumn, null, null, null).data();
    }

    /**
     * As {@link #read(Path, String)}, each feature a token id (a whole number in {@code [0, 2^31)}, read as an
     * int), for a model whose first layer is an {@code embedding}: a dataset of {@link Dataset#tokens()}.
     *
     * @param ids the ids the embedding knows ({@code num_embeddings}; 0 for any); a larger id fails, naming the
     *     line, the column, the id and {@code owner} (the embedding layer)
     */
    public static Dataset readTokens(Path file, String labelColumn, int ids, String owner) {
        return readFile(file, labelColumn, null, null, new Row(null, 0, null, ids, owner)).data();
    }

    /** As {@link #read(Path, Path, String)}, each feature a token id, as {@link #readTokens(Path, String, int, String)}. */
    public static TrainAndTest readTokens(Path train, Path test, String labelColumn, int ids, String owner) {
        Row tokens = new Row(null, 0, null, ids, owner);
        Read training = readFile(train, labelColumn, null, null, tokens);
        return new TrainAndTest(training.data(), readFile(test, labelColumn, training.layout(), train.toString(),
                tokens).data());
    }

    /**
     * As {@link #read(Path, String)}, from {@code in}; {@code source} names it in messages.
     *
     * @throws InvalidInputException naming the source, the line and what was expected
     */
    public static Dataset read(InputStream in, String source, String labelColumn) {
        try {
            return examples(source, new Lines(in, source), labelColumn, null, null, null).data();
        } catch (IOException e) {
            throw new InvalidInputException(source + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** Training data and the held-out data read with it. */
    public record TrainAndTest(Dataset train, Dataset test) {
    }

    /**
     * Reads training data from {@code train} and held-out data from {@code test}, the label in {@code
     * labelColumn} of each. Where both files have a header, the test file's columns are matched to the
     * training file's by name (in any order); its header must name the same columns.
     *
     * @throws InvalidInputException naming the file, the line or the column and what was expected
     */
    public static TrainAndTest read(Path train, Path test, String labelColumn) {
        Read training = readFile(train, labelColumn, null, null, null);
        Dataset held = readFile(test, labelColumn, training.layout(), train.toString(), null).data();
        return new TrainAndTest(training.data(), held);
    }

    /** A file's examples and its layout. */
    private record Read(Dataset data, CsvLayout layout) {
    }

    private static Read readFile(Path file, String labelColumn, CsvLayout like, String likeSource, Row tokens) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": a directory; expected a CSV file of examples");
        }
        try (InputStream in = org.nn4j.io.InputFiles.open(file)) {
            return examples(file.toString(), new Lines(in, file.toString()), labelColumn, like, likeSource, tokens);
        } catch (IOException e) {
            throw org.nn4j.io.InputFiles.unreadable(file, e);
        }
    }

    private static Read examples(String source, Lines lines, String labelColumn, CsvLayout like, String likeSource,
            Row tokens) throws IOException {
        String first = lines.next();
        if (first == null) {
            throw new InvalidInputException(source + ": empty; expected a CSV file of examples");
        }
        int firstLine = lines.number();
        String[] firstFields = firstFields(source, () -> firstLine, first);
        CsvLayout layout = CsvLayout.of(source, firstFields, labelColumn);
        if (like != null) {
            layout = layout.matchedTo(source, like, likeSource);
        }
        Integer widthLine = layout.header() ? null : firstLine;
        int d = layout.featureCount();
        Growing examples = new Growing(source, d, tokens);
        if (!layout.header()) {
            examples.add(layout.example(source, () -> firstLine, firstFields, examples.featureRow()));
        }
        for (String line = lines.next(); line != null; line = lines.next()) {
            int number = lines.number();
            String[] fields = layout.fields(source, () -> number, line, widthLine);
            examples.add(layout.example(source, () -> number, fields, examples.featureRow()));
        }
        if (examples.count == 0) {
            throw new InvalidInputException(source + ": only a header; expected examples after it");
        }
        return new Read(examples.dataset(), layout);
    }

    /**
     * Examples as they are read: features row after row into an array that grows by half, and each
     * label as the number of its distinct label, so that no line's text is held.
     */
    private static final class Growing {
        private final String source;
        private final Floats features;
        private final CsvTokens.Ints tokenIds;
        private int[] labelIds = new int[64];
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> distinct = new ArrayList<>();
        private int count;

        /** For token ids, {@code tokens} their range ({@link Row#idLimit()}, {@link Row#idOwner()}); else null. */
        Growing(String source, int width, Row tokens) {
            this.source = source;
            this.features = tokens != null ? null : new Floats(source, width);
            this.tokenIds = tokens != null ? new CsvTokens.Ints(source, width, tokens.idLimit(), tokens.idOwner()) : null;
        }

        /** Where the next example's features (or token ids) go. */
        Row featureRow() {
            return tokenIds != null ? tokenIds.row(count)
                    : new Row(features.array(count), count * features.width);
        }

        void add(String label) {
            Integer id = ids.get(label);
            if (id == null) {
                if (distinct.size() == CsvClasses.MAX_CLASSES) {
                    throw new InvalidInputException(source + ": more than " + CsvClasses.MAX_CLASSES + " distinct labels"
                            + " by example " + (count + 1) + ", more than the " + CsvClasses.MAX_CLASSES + " classes nn4j"
                            + " takes; is the label column the right one?");
                }
                id = distinct.size();
                ids.put(label, id);
                distinct.add(label);
            }
            if (count == labelIds.length) {
                labelIds = Arrays.copyOf(labelIds, (int) Math.min(count + (long) (count >> 1), Integer.MAX_VALUE - 16));
            }
            labelIds[count++] = id;
        }

        Dataset dataset() {
            CsvClasses classes = CsvClasses.of(source, distinct);
            int[] classOf = new int[distinct.size()];
            for (int i = 0; i < classOf.length; i++) {
                classOf[i] = classes.of(distinct.get(i));
            }
            int[] labels = new int[count];
            for (int r = 0; r < count; r++) {
                labels[r] = classOf[labelIds[r]];
            }
            if (tokenIds != null) {
                return Dataset.ofTokens(tokenIds.trimmed(count), labels, tokenIds.width(), classes.names(), source);
            }
            return new Dataset(features.trimmed(count), labels, features.width, classes.names(), source);
        }
    }

    /**
     * Where one example's features go: {@code array} from {@code offset}; or, for token ids, {@code ids} from
     * {@code offset} ({@code array} null), each below {@code idLimit} (0: any) of {@code idOwner}.
     */
    public record Row(float[] array, int offset, int[] ids, int idLimit, String idOwner) {
        /** Features into {@code array} from {@code offset}. */
        public Row(float[] array, int offset) {
            this(array, offset, null, 0, null);
        }
    }

    /** Rows of {@code width} floats in an array that grows by half as rows come. */
    static final class Floats {
        private final String source;
        private final int width;
        private float[] values;

        Floats(String source, int width) {
            this.source = source;
            this.width = width;
            this.values = new float[Math.max(width, Math.min(64 * width, 4096))];
        }

        /** The array, with room for row {@code row} (from 0). */
        float[] array(int row) {
            int end = arrayLength(source, row + 1, width);
            if (end > values.length) {
                long grown = Math.max(end, values.length + (long) (values.length >> 1));
                values = Arrays.copyOf(values, (int) Math.min(grown, Integer.MAX_VALUE - 16));
            }
            return values;
        }

        /** The first {@code rows} rows, in an array of their length. */
        float[] trimmed(int rows) {
            return values.length == rows * width ? values : Arrays.copyOf(values, rows * width);
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

    /** The non-blank lines of a stream, each with its number; bad UTF-8 and endless lines named with theirs. */
    static final class Lines {
        private final LineReader reader;
        private final String source;
        private int number;

        Lines(InputStream in, String source) {
            this.reader = new LineReader(in, 0);
            this.source = source;
        }

        /** The next line that is not blank, or null at the end. */
        String next() throws IOException {
            while (true) {
                String line;
                try {
                    line = reader.next();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new InvalidInputException(source + ":" + (number + 1) + ": not UTF-8 text");
                } catch (LineReader.LineTooLongException e) {
                    throw new InvalidInputException(source + ":" + (number + 1) + ": " + e.getMessage()
                            + "; not a CSV file of examples");
                }
                if (line == null) {
                    return null;
                }
                number++;
                if (number == 1) {
                    line = withoutByteOrderMark(line);
                }
                if (!isBlank(line)) {
                    return line;
                }
            }
        }

        /** The number of the line {@link #next} gave last, from 1. */
        int number() {
            return number;
        }
    }

    /** Whether {@code line} holds nothing but spaces and tabs: a line that is skipped. */
    public static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (!isBlank(line.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The fields of a file's first line ({@code text}, line {@code line} of {@code source}), whose
     * number the file's other lines must have; counted before they are split.
     *
     * @throws InvalidInputException naming the source and the line, for a malformed line or one of more
     *     than {@link #MAX_COLUMNS} fields
     */
    public static String[] firstFields(String source, IntSupplier line, String text) {
        int count;
        try {
            count = split(text, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": " + e.getMessage());
        }
        if (count > MAX_COLUMNS) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": " + count + " fields, more than the "
                    + MAX_COLUMNS + " columns nn4j reads; not a CSV file of examples");
        }
        return fields(text);
    }

    static void requireDistinct(String source, String[] names) {
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < names.length; c++) {
            Integer before = seen.putIfAbsent(names[c], c);
            if (before != null) {
                throw new InvalidInputException(source + ": the header names column " + before + " and column " + c
                        + " both '" + shown(names[c]) + "'; column names must differ");
            }
        }
    }

    static int labelIndex(String file, String[] first, String labelColumn) {
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
                + InvalidInputException.shown(String.join(", ", first), 200) + ")");
    }

    static boolean isIndex(String labelColumn) {
        return labelColumn.trim().matches("\\d{1,9}");
    }

    static boolean allNumbersBut(String[] fields, int skip) {
        for (int c = 0; c < fields.length; c++) {
            if (c != skip && !CsvNumbers.isNumber(fields[c])) {
                return false;
            }
        }
        return true;
    }

    static float number(String file, IntSupplier line, List<String> names, int column, String field) {
        boolean syntax = CsvNumbers.isNumber(field);
        if (syntax) {
            float value = Float.parseFloat(field);
            if (Float.isFinite(value)) {
                return value;
            }
        }
        String name = names == null ? "column " + column : "column '" + shown(names.get(column)) + "'";
        throw new InvalidInputException(file + ":" + line.getAsInt() + ": " + name + " is '" + shown(field)
                + "'; expected a finite number" + (syntax ? " (float32 reaches 3.4e38)"
                        : ", written in decimal (such as 12, -0.5 or 1.5e-3)"));
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
     * The fields of line {@code line} of {@code source}, {@code text}, which must have {@code width}:
     * counted before they are split, so that a line of millions of fields costs no string for each.
     *
     * @param like what the message on a line of another width adds after "expected {@code width}"
     * @throws InvalidInputException naming the source and the line, for a malformed line or one of
     *     another width
     */
    static String[] fieldsOfWidth(String source, IntSupplier line, String text, int width, String like) {
        int count;
        try {
            count = split(text, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": " + e.getMessage());
        }
        if (count != width) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": " + count + " fields, expected " + width
                    + like);
        }
        return fields(text);
    }

    /**
     * The fields of a CSV line, as RFC 4180 quotes them: split at commas, spaces and tabs around a field
     * dropped; a field in double quotes may hold commas, and a doubled quote stands for one.
     *
     * @throws IllegalArgumentException saying what is wrong, for a quote left open (a field that goes on
     *     over the line's end: not supported) or text after a field's closing quote
     */
    public static String[] fields(String line) {
        List<String> fields = new ArrayList<>();
        split(line, fields);
        return fields.toArray(String[]::new);
    }

    /**
     * Splits {@code line} into its fields, adding them to {@code out} unless it is null, and returns
     * how many there are: without {@code out}, a line's fields are counted at no cost in memory.
     */
    private static int split(String line, List<String> out) {
        int count = 0;
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder field = out == null ? null : new StringBuilder();
                int open = i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("the quote at character " + (open + 1) + " is not closed"
                                + " on its line (fields over several lines are not supported)");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            if (field != null) {
                                field.append('"');
                            }
                            i++;
                        } else {
                            break;
                        }
                    } else if (field != null) {
                        field.append(ch);
                    }
                }
                int closing = i; // the closing quote's place, counting from 1
                while (i < n && isBlank(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("text after the closing quote at character " + closing
                            + "; a field in quotes ends at its quote");
                }
                if (out != null) {
                    out.add(field.toString());
                }
            } else {
                int end = line.indexOf(',', i);
                int stop = end < 0 ? n : end;
                if (out != null) {
                    int last = stop;
                    while (last > i && isBlank(line.charAt(last - 1))) {
                        last--;
                    }
                    out.add(line.substring(i, last));
                }
                i = stop;
            }
            count++;
            if (i >= n) {
                return count;
            }
            i++; // the comma
            if (i == n) {
                if (out != null) {
                    out.add("");
                }
                return count + 1;
            }
        }
    }
}
