package org.nn4j.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.nn4j.io.InvalidInputException;

/**
 * How a CSV file of labelled examples is laid out, as its first line tells: how many fields a line
 * has, which holds the label, the header's names (null without a header), and where each column's
 * value goes among an example's features. The first line is a header when a field other than the
 * label is not a number, or when the label column is given by name.
 *
 * @param width the fields of every line
 * @param labelColumn the field that holds the label, from 0
 * @param names the header's names, or null without a header
 * @param slots for each column, the feature its value is (-1 for the label's)
 */
public record CsvLayout(int width, int labelColumn, List<String> names, int[] slots) implements java.io.Serializable {

    /**
     * The layout of a file whose first line has {@code first} fields, the label in {@code
     * labelColumn} (a name from the header or a 0-based index).
     *
     * @throws InvalidInputException naming {@code source}, when the label column does not exist or a
     *     header names a column twice
     */
    public static CsvLayout of(String source, String[] first, String labelColumn) {
        int label = Csv.labelIndex(source, first, labelColumn);
        if (first.length < 2) {
            throw new InvalidInputException(source + ": the label is its only column; expected features besides it");
        }
        boolean header = !Csv.allNumbersBut(first, label) || !Csv.isIndex(labelColumn);
        if (header) {
            Csv.requireDistinct(source, first);
        }
        int[] slots = new int[first.length];
        for (int c = 0; c < slots.length; c++) {
            slots[c] = c < label ? c : c - 1;
        }
        slots[label] = -1;
        return new CsvLayout(first.length, label, header ? List.of(first) : null, slots);
    }

    /**
     * This layout of held-out data ({@code source}) with its columns matched to those of {@code
     * training}, the layout of the training data {@code trainingSource}: by name where both have a
     * header (whose names must then be the same, in any order), else by place.
     *
     * @throws InvalidInputException naming both files and the column, when the headers differ
     */
    public CsvLayout matchedTo(String source, CsvLayout training, String trainingSource) {
        if (!header() || !training.header()) {
            return this;
        }
        String label = names.get(labelColumn);
        String trainingLabel = training.names().get(training.labelColumn());
        String columns = " (" + InvalidInputException.shown(String.join(", ", training.names()), 200) + ")";
        if (!label.equals(trainingLabel)) {
            throw new InvalidInputException(source + ": the label column is '" + Csv.shown(label) + "', but '"
                    + Csv.shown(trainingLabel) + "' in " + trainingSource + columns + "; held-out data needs the"
                    + " columns of the training data");
        }
        Map<String, Integer> place = new HashMap<>();
        for (int c = 0; c < training.width(); c++) {
            place.put(training.names().get(c), c);
        }
        int[] matched = new int[width];
        for (int c = 0; c < width; c++) {
            Integer t = place.get(names.get(c));
            if (t == null) {
                throw new InvalidInputException(source + ": column '" + Csv.shown(names.get(c)) + "' is not a column"
                        + " of " + trainingSource + columns + "; held-out data needs the columns of the training data");
            }
            matched[c] = training.slots()[t];
        }
        if (width != training.width()) {
            java.util.Set<String> here = new java.util.HashSet<>(names);
            for (String name : training.names()) {
                if (!here.contains(name)) {
                    throw new InvalidInputException(source + ": no column '" + Csv.shown(name) + "', which "
                            + trainingSource + " has" + columns + "; held-out data needs the columns of the"
                            + " training data");
                }
            }
        }
        return new CsvLayout(width, labelColumn, names, matched);
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
     * The fields of line {@code line} of {@code source}, whose text is {@code text}; a line of another
     * width is refused before any field is taken from it.
     *
     * @param firstLine for the message on a line of another width without a header: the line whose
     *     width is the file's
     * @throws InvalidInputException naming {@code source} and the line, for a malformed line or one
     *     of another width
     */
    public String[] fields(String source, IntSupplier line, String text, Integer firstLine) {
        return Csv.fieldsOfWidth(source, line, text, width, header() ? " like the header" : " like line " + firstLine);
    }

    /**
     * Parses a line's {@code fields} (as {@link #fields} gives them): writes its features into {@code
     * row} and returns its label's class name ({@link CsvNumbers#label}).
     *
     * @throws InvalidInputException naming {@code source} and the line, for a feature that is not a
     *     finite number or an empty label
     */
    public String example(String source, IntSupplier line, String[] fields, Csv.Row row) {
        float[] features = row.array();
        int[] ids = row.ids();
        int offset = row.offset();
        for (int c = 0; c < width; c++) {
            if (c == labelColumn) {
                continue;
            }
            if (ids != null) {
                ids[offset + slots[c]] = CsvTokens.id(source, line, names, c, fields[c], row.idLimit(), row.idOwner());
            } else {
                features[offset + slots[c]] = Csv.number(source, line, names, c, fields[c]);
            }
        }
        String label = fields[labelColumn];
        if (label.isEmpty()) {
            throw new InvalidInputException(source + ":" + line.getAsInt() + ": the label ("
                    + (names == null ? "column " + labelColumn : "column '" + Csv.shown(names.get(labelColumn)) + "'")
                    + ") is empty; every example needs its class");
        }
        return CsvNumbers.label(label);
    }
}
