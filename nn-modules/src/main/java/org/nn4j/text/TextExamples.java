package org.nn4j.text;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.nn4j.data.CsvClasses;
import org.nn4j.data.CsvNumbers;
import org.nn4j.data.Dataset;
import org.nn4j.io.InvalidInputException;

/**
 * Labelled texts as the examples a model that starts with an {@code embedding} trains on: each text
 * {@code length} token ids of a {@link Vocabulary}, each label a class as a numeric CSV's are named
 * ({@link CsvClasses}: whole numbers from 0 are class indices, other labels classes of their own).
 *
 * <pre>{@code
 * TextCsv rows = TextCsv.read(file, "text", "lang");
 * Vocabulary words = Vocabulary.build(Tokenizer.WORD, rows.texts(), 2, 20_000);   // the training texts only
 * Dataset train = TextExamples.of(rows, words, 100, TextExamples.classes(rows));
 * }</pre>
 */
public final class TextExamples {
    private TextExamples() {
    }

    /**
     * The classes of {@code rows}' labels, in nn4j's order of classes.
     *
     * @throws IllegalArgumentException when {@code rows} have no labels
     */
    public static List<String> classes(TextCsv rows) {
        if (rows.labels() == null) {
            throw new IllegalArgumentException(rows.source() + " was read without its labels");
        }
        Set<String> distinct = new LinkedHashSet<>();
        rows.labels().forEach(l -> distinct.add(CsvNumbers.label(l)));
        return CsvClasses.of(rows.source(), distinct).names();
    }

    /**
     * The examples of {@code rows}: each text as {@code length} ids of {@code vocabulary} (cut, or padded
     * with {@link Vocabulary#PADDING}), each label the index of its class in {@code classNames}.
     *
     * @throws InvalidInputException naming the file and the label, for a label not among {@code classNames}
     */
    public static Dataset of(TextCsv rows, Vocabulary vocabulary, int length, List<String> classNames) {
        if (length < 1) {
            throw new IllegalArgumentException("a text needs a length of 1 or more ids, not " + length);
        }
        if (rows.labels() == null) {
            throw new IllegalArgumentException(rows.source() + " was read without its labels");
        }
        int n = rows.texts().size();
        int[] ids = new int[n * length];
        int[] labels = new int[n];
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            index.put(classNames.get(c), c);
        }
        for (int i = 0; i < n; i++) {
            vocabulary.encode(rows.texts().get(i), length, ids, i * length);
            Integer label = index.get(CsvNumbers.label(rows.labels().get(i)));
            if (label == null) {
                throw new InvalidInputException(rows.source() + ": text " + (i + 1) + " has the label '"
                        + InvalidInputException.shown(rows.labels().get(i)) + "', not one of the classes "
                        + InvalidInputException.shown(String.join(", ", classNames), 200));
            }
            labels[i] = label;
        }
        return new Dataset(null, labels, length, classNames, rows.source(), ids, null);
    }
}
