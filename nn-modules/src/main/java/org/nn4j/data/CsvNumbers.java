package org.nn4j.data;

import java.math.BigDecimal;
import java.util.Comparator;

/**
 * The numbers of nn4j's CSV files, one syntax for every reader (training and held-out data, {@code nn
 * evaluate}, {@code nn predict}, the Spark executors): decimal, as CSV files write numbers. An
 * optional sign, digits with an optional fraction ({@code 5}, {@code 5.25}, {@code .5} and {@code 5.}
 * all count), and an optional exponent ({@code e} or {@code E}, an optional sign, digits); ASCII digits
 * only. Nothing else is a number: not Java's {@code 12f}, {@code 3d}, {@code 0x1p3}, {@code Infinity}
 * or {@code NaN}, nor {@code 1_000}, {@code 1,000}, {@code 1 000} or full-width digits.
 *
 * <p>A label that is such a number is the class of its value: {@code 1}, {@code 1.0}, {@code 01},
 * {@code +1} and {@code 1e0} are one class, named {@code 1} ({@link #label}).
 */
public final class CsvNumbers {
    /** The longest label taken as a number: longer ones are names as written (a number that long is no class). */
    static final int MAX_NUMBER_LABEL = 1000;
    /** How far from 1 a label's value may be and still be named in plain digits rather than with an exponent. */
    private static final int PLAIN_DIGITS = 30;

    /**
     * The order of classes: labels that are numbers first, by value, then the others in the order of
     * their UTF-16 text ({@link String#compareTo}). Consistent with {@code equals} on the names that
     * {@link #label} gives.
     */
    public static final Comparator<String> CLASS_ORDER = (a, b) -> {
        BigDecimal x = value(a);
        BigDecimal y = value(b);
        if (x != null && y != null) {
            int c = x.compareTo(y);
            return c != 0 ? c : a.compareTo(b);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    };

    private CsvNumbers() {
    }

    /** Whether {@code text}, as it stands (no white space), is a number of nn4j's CSV files. */
    public static boolean isNumber(CharSequence text) {
        int n = text.length();
        int i = 0;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    /**
     * The class that label {@code text} names: a number's value in one spelling (no sign for zero, no
     * leading zeros, no trailing zeros after the point; plain digits unless that would take more than
     * {@value #PLAIN_DIGITS}, then {@code 1E+40}), and any other label as written.
     */
    public static String label(String text) {
        BigDecimal value = value(text);
        if (value == null) {
            return text;
        }
        BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        // The digits before the point (adjusted + 1) and after it (scale), were it written plainly.
        long before = (long) stripped.precision() - stripped.scale();
        if (before <= PLAIN_DIGITS && stripped.scale() <= PLAIN_DIGITS) {
            return stripped.toPlainString();
        }
        return stripped.toString();
    }

    /** Whether class name {@code name} is a class index: a whole number from 0, written as {@link #label} names it. */
    static boolean isIndex(String name) {
        if (name.isEmpty() || (name.length() > 1 && name.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The value of {@code text} where it is a number (of at most {@value #MAX_NUMBER_LABEL} characters), else null. */
    private static BigDecimal value(String text) {
        if (text.length() > MAX_NUMBER_LABEL || !isNumber(text)) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // an exponent beyond an int: no class anyone means
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
