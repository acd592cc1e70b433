package org.nn4j.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers as the assignment's Python prints them: arrays as NumPy's {@code str} (at most 8 digits
 * after the point, columns aligned, scientific notation when magnitudes span too much), scalars as
 * Python's {@code repr} (the shortest digits that read back as the same value). Each row goes on one
 * line, as NumPy lays out rows that fit its 75-character line.
 */
final class NumpyFormat {
    private static final int PRECISION = 8;

    private NumpyFormat() {
    }

    /** A matrix as NumPy's {@code str}, e.g. {@code [[ 0.    0.5 ]\n [ 1.   -2.25]]}. */
    static String array(double[][] rows, boolean float32) {
        boolean scientific = needsScientific(rows);
        String[][] text = new String[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            text[i] = new String[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                text[i][j] = scientific ? mantissa(rows[i][j], float32) : positional(rows[i][j], float32);
            }
        }
        if (scientific) {
            // NumPy gives every mantissa as many digits as the longest, padding with zeros.
            int digits = 0;
            for (String[] row : text) {
                for (String s : row) {
                    digits = Math.max(digits, s.length() - s.indexOf('.') - 1);
                }
            }
            int exponentWidth = 2;
            for (double[] row : rows) {
                for (double v : row) {
                    exponentWidth = Math.max(exponentWidth, String.valueOf(Math.abs(exponent(v, float32))).length());
                }
            }
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < rows[i].length; j++) {
                    String s = text[i][j];
                    int exponent = exponent(rows[i][j], float32);
                    text[i][j] = s + "0".repeat(digits - (s.length() - s.indexOf('.') - 1)) + "e"
                            + (exponent < 0 ? "-" : "+")
                            + String.format("%0" + exponentWidth + "d", Math.abs(exponent));
                }
            }
        }
        int intWidth = 0;
        int fracWidth = 0;
        for (String[] row : text) {
            for (String s : row) {
                intWidth = Math.max(intWidth, s.indexOf('.'));
                fracWidth = Math.max(fracWidth, s.length() - s.indexOf('.') - 1);
            }
        }
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < text.length; i++) {
            out.append(i == 0 ? "[" : "\n [");
            for (int j = 0; j < text[i].length; j++) {
                String s = text[i][j];
                int dot = s.indexOf('.');
                out.append(j == 0 ? "" : " ").append(" ".repeat(intWidth - dot)).append(s)
                        .append(" ".repeat(fracWidth - (s.length() - dot - 1)));
            }
            out.append(']');
        }
        return out.append(']').toString();
    }

    /** A scalar as Python's {@code repr} of a float64, or NumPy's of a float32. */
    static String scalar(double value, boolean float32) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal digits = shortest(value, float32);
        int exponent = exponent(value, float32);
        if (exponent < -4 || exponent >= 16) {
            return digits.movePointLeft(exponent).stripTrailingZeros().toPlainString() + "e"
                    + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = digits.stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /** NumPy switches an array to scientific notation when its magnitudes span too much. */
    private static boolean needsScientific(double[][] rows) {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : rows) {
            for (double v : row) {
                double a = Math.abs(v);
                if (a != 0 && Double.isFinite(a)) {
                    max = Math.max(max, a);
                    min = Math.min(min, a);
                }
            }
        }
        return max != 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
    }

    /** Digits with at most {@value #PRECISION} after the point, trailing zeros dropped: {@code 0.5}, {@code 1.}. */
    private static String positional(double value, boolean float32) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "nan." : value > 0 ? "inf." : "-inf.";
        }
        BigDecimal digits = value == 0 ? BigDecimal.ZERO : shortest(value, float32);
        if (digits.scale() > PRECISION) {
            digits = new BigDecimal(value).setScale(PRECISION, RoundingMode.HALF_EVEN);
        }
        String plain = digits.stripTrailingZeros().toPlainString();
        if (value == 0 && 1 / value < 0) {
            plain = "-0";
        }
        return plain.contains(".") ? plain : plain + ".";
    }

    /** The mantissa of scientific notation, at most {@value #PRECISION} digits after the point: {@code 1.5}, {@code 1.}. */
    private static String mantissa(double value, boolean float32) {
        if (value == 0 || !Double.isFinite(value)) {
            return positional(value, float32);
        }
        BigDecimal mantissa = shortest(value, float32).movePointLeft(exponent(value, float32));
        if (mantissa.scale() > PRECISION) {
            mantissa = mantissa.setScale(PRECISION, RoundingMode.HALF_EVEN);
        }
        String plain = mantissa.stripTrailingZeros().toPlainString();
        return plain.contains(".") ? plain : plain + ".";
    }

    /** The decimal exponent of {@code value}'s shortest digits; 0 for zero and non-finite values. */
    private static int exponent(double value, boolean float32) {
        if (value == 0 || !Double.isFinite(value)) {
            return 0;
        }
        BigDecimal digits = shortest(value, float32);
        return digits.precision() - digits.scale() - 1;
    }

    /** The fewest significant digits that read back as {@code value} (as a float when {@code float32}). */
    private static BigDecimal shortest(double value, boolean float32) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            boolean same = float32 ? candidate.floatValue() == (float) value : candidate.doubleValue() == value;
            if (same) {
                return candidate;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
}
