package org.nn4j.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.io.InvalidInputException;

/**
 * The classes of a file of labelled examples, from its distinct labels as {@link CsvNumbers#label}
 * names them: 0 to the largest when all are whole numbers from 0 (class indices), else each
 * distinct label, numbers first by value, then the others in text order.
 */
public final class CsvClasses implements java.io.Serializable {
    /** The most classes a file may have: far more than any classifier here needs, few enough to hold. */
    public static final int MAX_CLASSES = 100_000;
    private static final long serialVersionUID = 1L;
    private final List<String> names;
    private final boolean indices;
    private transient Map<String, Integer> index;

    private CsvClasses(List<String> names, boolean indices) {
        this.names = List.copyOf(names);
        this.indices = indices;
    }

    /**
     * The classes of a file ({@code source}, for messages) whose distinct labels, as {@link
     * CsvNumbers#label} names them, are {@code labels}.
     *
     * @throws InvalidInputException naming {@code source}, for a class index too large or too many labels
     */
    public static CsvClasses of(String source, Collection<String> labels) {
        boolean indices = true;
        for (String label : labels) {
            indices &= CsvNumbers.isIndex(label);
        }
        if (!indices) {
            if (labels.size() > MAX_CLASSES) {
                throw new InvalidInputException(source + ": " + labels.size() + " distinct labels, more than the "
                        + MAX_CLASSES + " classes nn4j takes; is the label column the right one?");
            }
            List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(labels));
            sorted.sort(CsvNumbers.CLASS_ORDER);
            return new CsvClasses(sorted, false);
        }
        int max = 0;
        for (String label : labels) {
            long index = label.length() > 12 ? Long.MAX_VALUE : Long.parseLong(label);
            if (index >= MAX_CLASSES) {
                throw new InvalidInputException(source + ": label '" + Csv.shown(label) + "' asks for "
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
        return new CsvClasses(names, true);
    }

    /** The class names, by index. */
    public List<String> names() {
        return names;
    }

    /** Whether the labels are class indices. */
    public boolean indices() {
        return indices;
    }

    /** The class of label {@code label} (as {@link CsvNumbers#label} names it), one of those these classes were made from. */
    public int of(String label) {
        if (indices) {
            return Integer.parseInt(label);
        }
        if (index == null) {
            Map<String, Integer> made = new HashMap<>();
            for (int c = 0; c < names.size(); c++) {
                made.put(names.get(c), c);
            }
            index = made;
        }
        Integer c = index.get(label);
        return c == null ? -1 : c;
    }
}
