package org.nn4j.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nn4j.data.Csv;
import org.nn4j.data.LineReader;
import org.nn4j.io.InvalidInputException;

/**
 * A CSV file of texts: a header naming the columns, then one record per example, fields as RFC 4180 quotes
 * them, a quoted field going on over line breaks (so a text may hold commas, quotes and newlines); a
 * UTF-8 byte-order mark is dropped, and a line that is not UTF-8 is named.
 *
 * @param texts each record's text column
 * @param labels each record's label column, or null where none was asked for
 * @param source the file, for messages
 */
public record TextCsv(List<String> texts, List<String> labels, String source) {

    /**
     * The {@code textColumn} and {@code labelColumn} (null: none) of {@code file}'s records, each column a
     * header name or a 0-based index.
     *
     * @throws InvalidInputException naming the file, the line and what is wrong
     */
    public static TextCsv read(Path file, String textColumn, String labelColumn) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source, textColumn, labelColumn);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(source + ": no such file");
        } catch (IOException e) {
            throw new InvalidInputException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** As {@link #read(Path, String, String)}, from {@code in}, named {@code source} in messages. */
    public static TextCsv read(InputStream in, String source, String textColumn, String labelColumn)
            throws IOException {
        LineReader reader = new LineReader(in, 0);
        int[] line = {0};
        String[] header = record(reader, line, source);
        if (header == null) {
            throw new InvalidInputException(source + ": empty; expected a header naming the text column, then texts");
        }
        header[0] = Csv.withoutByteOrderMark(header[0]);
        int text = column(header, textColumn, source);
        int label = labelColumn == null ? -1 : column(header, labelColumn, source);
        List<String> texts = new ArrayList<>();
        List<String> labels = labelColumn == null ? null : new ArrayList<>();
        while (true) {
            int first = line[0] + 1;
            String[] fields = record(reader, line, source);
            if (fields == null) {
                break;
            }
            if (fields.length == 1 && fields[0].isEmpty()) {
                continue;
            }
            if (fields.length != header.length) {
                throw new InvalidInputException(source + ":" + first + ": " + fields.length + " fields; the header has "
                        + header.length);
            }
            texts.add(fields[text]);
            if (labels != null) {
                if (fields[label].isBlank()) {
                    throw new InvalidInputException(source + ":" + first + ": the label (column '" + header[label]
                            + "') is empty");
                }
                labels.add(fields[label].strip());
            }
        }
        if (texts.isEmpty()) {
            throw new InvalidInputException(source + ": only a header; expected texts after it");
        }
        return new TextCsv(texts, labels, source);
    }

    /** The next record's fields, its lines joined where a quoted field goes on; null at the end. */
    private static String[] record(LineReader reader, int[] line, String source) throws IOException {
        String next = next(reader, line, source);
        if (next == null) {
            return null;
        }
        int first = line[0];
        StringBuilder record = new StringBuilder(next);
        // An odd number of quotes so far leaves a field open: doubled quotes inside it count two.
        while (quotes(record) % 2 == 1) {
            String more = next(reader, line, source);
            if (more == null) {
                throw new InvalidInputException(source + ":" + first + ": a quote opened in this record is not closed"
                        + " by the end of the file");
            }
            record.append('\n').append(more);
        }
        try {
            return Csv.fields(record.toString());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + ":" + first + ": " + e.getMessage());
        }
    }

    private static String next(LineReader reader, int[] line, String source) throws IOException {
        try {
            String next = reader.next();
            if (next != null) {
                line[0]++;
            }
            return next;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(source + ":" + (line[0] + 1) + ": not UTF-8 text", e);
        }
    }

    private static long quotes(CharSequence text) {
        return text.chars().filter(c -> c == '"').count();
    }

    /** The index of {@code column} (a header name, else a 0-based index) in {@code header}. */
    private static int column(String[] header, String column, String source) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals(column)) {
                return i;
            }
        }
        if (column.matches("\\d{1,9}") && Integer.parseInt(column) < header.length) {
            return Integer.parseInt(column);
        }
        throw new InvalidInputException(source + ": no column '" + InvalidInputException.shown(column)
                + "' in its header (" + InvalidInputException.shown(String.join(", ", header), 200) + ")");
    }
}
