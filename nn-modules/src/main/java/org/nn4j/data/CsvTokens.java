package org.nn4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import org.nn4j.io.InvalidInputException;

/**
 * Token ids in a CSV file, for a model whose first layer is an {@code embedding}: each feature field a whole
 * number in {@code [0, 2^31)}, parsed as an int (never through a float, which would round ids above 2^24),
 * and the ints of the rows as they are read.
 */
final class CsvTokens {
    /** The largest id: ids are Java ints. */
    static final int MAX_ID = Integer.MAX_VALUE;

    private CsvTokens() {
    }

    /**
     * The token id in {@code field}, column {@code column} of line {@code line} of {@code file}: digits (a
     * sign, leading zeros and a zero fraction such as {@code 12.0} or {@code 1.2e1} are taken as the whole
     * number they write).
     *
     * @param limit the ids there are ({@code num_embeddings}), or 0 for any
     * @param owner what has {@code limit} ids, for the message
     * @throws InvalidInputException naming the file, the line, the column and the value, for anything else
     */
    static int id(String file, IntSupplier line, List<String> names, int column, String field, int limit,
            String owner) {
        int id = parse(file, line, names, column, field);
        if (limit > 0 && id >= limit) {
            throw new InvalidInputException(file + ":" + line.getAsInt() + ": " + name(names, column) + " is token id "
                    + id + ", outside " + owner + "'s " + limit + " ids (num_embeddings)");
        }
        return id;
    }

    private static String name(List<String> names, int column) {
        return names == null ? "column " + column : "column '" + Csv.shown(names.get(column)) + "'";
    }

    private static int parse(String file, IntSupplier line, List<String> names, int column, String field) {
        int length = field.length();
        if (length > 0 && length <= 9) {
            int value = 0;
            int i = 0;
            while (i < length && field.charAt(i) >= '0' && field.charAt(i) <= '9') {
                value = value * 10 + field.charAt(i) - '0';
                i++;
            }
            if (i == length) {
                return value;
            }
        }
        String where = file + ":" + line.getAsInt() + ": " + name(names, column) + " is '" + Csv.shown(field) + "'";
        if (!CsvNumbers.isNumber(field)) {
            throw new InvalidInputException(where + "; expected a token id, a whole number in [0, " + MAX_ID + "]");
        }
        java.math.BigDecimal value = new java.math.BigDecimal(field.trim());
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw new InvalidInputException(where + ", not a whole number; expected a token id, a whole number in [0, "
                    + MAX_ID + "]");
        }
        if (value.signum() < 0 || value.compareTo(java.math.BigDecimal.valueOf(MAX_ID)) > 0) {
            throw new InvalidInputException(where + ", outside the token ids [0, " + MAX_ID + "]");
        }
        return value.intValueExact();
    }

    /** Rows of {@code width} ids in an array that grows by half as rows come. */
    static final class Ints {
        private final String source;
        private final int width;
        private final int limit;
        private final String owner;
        private int[] values;

        /** Rows of {@code width} ids, each below {@code limit} (0: any) of {@code owner}. */
        Ints(String source, int width, int limit, String owner) {
            this.source = source;
            this.width = width;
            this.limit = limit;
            this.owner = owner;
            this.values = new int[Math.max(width, Math.min(64 * width, 4096))];
        }

        /** Where row {@code row}'s ids go, with their range. */
        Csv.Row row(int row) {
            return new Csv.Row(null, row * width, array(row), limit, owner);
        }

        /** The ids of a row. */
        int width() {
            return width;
        }

        /** The array, with room for row {@code row} (from 0). */
        int[] array(int row) {
            long end = (long) (row + 1) * width;
            if (end > Integer.MAX_VALUE - 16) {
                throw new InvalidInputException(source + ": " + (row + 1) + " rows of " + width + " ids are more than"
                        + " one array holds (2^31); split the file");
            }
            if (end > values.length) {
                long grown = Math.max(end, values.length + (long) (values.length >> 1));
                values = Arrays.copyOf(values, (int) Math.min(grown, Integer.MAX_VALUE - 16));
            }
            return values;
        }

        /** The first {@code rows} rows, in an array of their length. */
        int[] trimmed(int rows) {
            return values.length == rows * width ? values : Arrays.copyOf(values, rows * width);
        }
    }
}
