package org.nn4j.codegen;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token rules that turn a float64 source into its float32 twin, the way EJML makes its 32-bit code
 * from its 64-bit code: no template language, a float64 source that compiles and reads as plain Java, and
 * a few conventions that make the rules enough.
 *
 * <p>Names (in code, comments and strings alike), whole identifiers only:
 *
 * <ul>
 *   <li>{@code double} becomes {@code float}, except in code right after {@code @Wide} ({@link Wide});
 *       {@code float} is never touched, so it means float32 in both twins.
 *   <li>{@code Double} becomes {@code Float} inside any name ({@code DoubleVector}, {@code getDouble},
 *       {@code DoublePointer}), and a leading {@code double} becomes {@code float} ({@code doubles()},
 *       {@code doubleView}); {@code doubleToRawLongBits} becomes {@code floatToRawIntBits}, the Vector API's
 *       {@code reinterpretAsLongs} {@code reinterpretAsInts}.
 *   <li>{@code 64} ending a name becomes {@code 32} ({@code f64}, {@code FLOAT64}, {@code
 *       HostKernels64}), as does {@code float64} inside one, any case: a float64 source names its class,
 *       its dtype and its per-dtype constants with 64, and the twin finds its own.
 *   <li>EJML's and OpenBLAS's double-precision names become their single-precision ones: {@code
 *       DMatrixRMaj} {@code FMatrixRMaj}, {@code CommonOps_DDRM} {@code CommonOps_FDRM}, {@code cblas_dgemm}
 *       {@code cblas_sgemm}.
 * </ul>
 *
 * <p>Floating-point literals in code get an {@code f} suffix ({@code 0.0} becomes {@code 0.0f}); whole
 * numbers stay as they are. A constant that differs by dtype beyond that (a power of two near the
 * range's end, say) is a pair of named constants, {@code NAME_FLOAT64} and {@code NAME_FLOAT32}.
 */
public final class TwinRules {

    private static final Map<String, String> EXACT = Map.of(
            "doubleToRawLongBits", "floatToRawIntBits",
            "doubleToLongBits", "floatToIntBits",
            "longBitsToDouble", "intBitsToFloat",
            "reinterpretAsLongs", "reinterpretAsInts");
    private static final Pattern FLOAT64 = Pattern.compile("(?i)(float)64");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F_]*(\\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?"
            + "[fFdDlL]?");
    private static final Pattern DECIMAL = Pattern.compile("[0-9][0-9_]*(\\.[0-9_]*)?([eE][+-]?[0-9_]+)?[fFdDlL]?");

    private TwinRules() {
    }

    /** The float32 twin of {@code source}, a float64 Java source. */
    public static String translate(String source) {
        StringBuilder out = new StringBuilder(source.length());
        boolean keepNextDouble = false;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(prose(source.substring(i, end)));
                i = end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment at offset " + i);
                }
                out.append(prose(source.substring(i, end + 2)));
                i = end + 2;
            } else if (c == '"' || c == '\'') {
                int end = quoted(source, i);
                out.append(prose(source.substring(i, end)));
                i = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(source.charAt(end))) {
                    end++;
                }
                String word = source.substring(i, end);
                if (word.equals("double") && keepNextDouble) {
                    out.append(word);
                } else {
                    out.append(name(word));
                }
                keepNextDouble = word.equals("Wide") && i > 0 && source.charAt(i - 1) == '@';
                i = end;
            } else if (Character.isDigit(c)) {
                Matcher hex = HEX.matcher(source).region(i, n);
                Matcher decimal = DECIMAL.matcher(source).region(i, n);
                String literal = hex.lookingAt() ? hex.group() : decimal.lookingAt() ? decimal.group() : null;
                if (literal == null) {
                    throw new IllegalArgumentException("unreadable number at offset " + i);
                }
                out.append(literal(literal));
                i += literal.length();
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The twin's name for {@code word}, a whole identifier or keyword. */
    static String name(String word) {
        if (word.equals("double")) {
            return "float";
        }
        String exact = EXACT.get(word);
        if (exact != null) {
            return exact;
        }
        String w = word.replace("Double", "Float");
        if (w.startsWith("double")) {
            w = "float" + w.substring("double".length());
        }
        if (w.startsWith("DMatrix")) {
            w = "F" + w.substring(1);
        }
        w = w.replace("_DDRM", "_FDRM");
        if (w.startsWith("cblas_d")) {
            w = "cblas_s" + w.substring("cblas_d".length());
        }
        w = FLOAT64.matcher(w).replaceAll("$132");
        if (w.endsWith("64")) {
            w = w.substring(0, w.length() - 2) + "32";
        }
        return w;
    }

    /** A comment or string literal with each word renamed by {@link #name}. */
    private static String prose(String text) {
        Matcher words = WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (words.find()) {
            // A word glued to a digit before it ("64-bit", "2x2") is part of a number, not a name.
            if (words.start() > 0 && Character.isLetterOrDigit(text.charAt(words.start() - 1))) {
                continue;
            }
            out.append(text, at, words.start()).append(name(words.group()));
            at = words.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    /** A numeric literal in code: floating-point ones become float literals; whole numbers stay. */
    static String literal(String literal) {
        String lower = literal.toLowerCase(Locale.ROOT);
        boolean hex = lower.startsWith("0x");
        boolean floating = hex ? lower.contains("p")
                : lower.contains(".") || lower.contains("e") || lower.endsWith("f") || lower.endsWith("d");
        if (!floating || lower.endsWith("f")) {
            return literal;
        }
        return (lower.endsWith("d") ? literal.substring(0, literal.length() - 1) : literal) + "f";
    }

    /** The offset just past the string or character literal that starts at {@code start}. */
    private static int quoted(String source, int start) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                break;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated literal at offset " + start);
    }
}
