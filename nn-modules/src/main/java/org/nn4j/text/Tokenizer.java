package org.nn4j.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.function.Consumer;
import org.nn4j.io.InvalidInputException;

/**
 * How a text becomes symbols, after NFC normalisation (so that "é" typed as one code point or as "e" and
 * a combining accent is one symbol): {@link #CHAR}, each code point a symbol; {@link #WORD}, lower-cased
 * (in {@link Locale#ROOT}), runs of letters and digits as words, every other code point that is not
 * white space (punctuation, symbols) a word of its own.
 *
 * <pre>{@code
 * Tokenizer.WORD.symbols("Hello, world!")   // [hello, ",", world, "!"]
 * }</pre>
 */
public enum Tokenizer {
    /** Each code point a symbol. */
    CHAR("char", 1),
    /** Lower-cased runs of letters and digits, and each other mark that is not white space. */
    WORD("word", 2);

    private final String label;
    private final int defaultMinCount;

    Tokenizer(String label, int defaultMinCount) {
        this.label = label;
        this.defaultMinCount = defaultMinCount;
    }

    /**
     * The tokenizer named {@code name} ({@code char} or {@code word}, in any case).
     *
     * @throws InvalidInputException naming the tokenizers there are
     */
    public static Tokenizer of(String name) {
        for (Tokenizer t : values()) {
            if (t.label.equalsIgnoreCase(name.strip())) {
                return t;
            }
        }
        throw new InvalidInputException("unknown tokenizer '" + InvalidInputException.shown(name)
                + "'; expected char or word");
    }

    /** Its name in model files and the CLI: {@code char} or {@code word}. */
    public String label() {
        return label;
    }

    /** The fewest times a symbol must occur in the training texts to have an id of its own: 1 for char, 2 for word. */
    public int defaultMinCount() {
        return defaultMinCount;
    }

    /** Gives each symbol of {@code text} to {@code symbol}, in order. */
    public void forEach(String text, Consumer<String> symbol) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFC);
        if (this == CHAR) {
            for (int i = 0; i < normal.length(); ) {
                int end = i + Character.charCount(normal.codePointAt(i));
                symbol.accept(normal.substring(i, end));
                i = end;
            }
            return;
        }
        String lower = normal.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i < lower.length(); ) {
            int c = lower.codePointAt(i);
            int next = i + Character.charCount(c);
            if (Character.isLetterOrDigit(c) || start >= 0 && Character.getType(c) == Character.NON_SPACING_MARK) {
                // A combining mark that NFC could not fold stays inside its word.
                if (start < 0) {
                    start = i;
                }
            } else {
                if (start >= 0) {
                    symbol.accept(lower.substring(start, i));
                    start = -1;
                }
                if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                    symbol.accept(lower.substring(i, next));
                }
            }
            i = next;
        }
        if (start >= 0) {
            symbol.accept(lower.substring(start));
        }
    }

    /** The symbols of {@code text}, in order. */
    public java.util.List<String> symbols(String text) {
        java.util.List<String> all = new java.util.ArrayList<>();
        forEach(text, all::add);
        return all;
    }
}
