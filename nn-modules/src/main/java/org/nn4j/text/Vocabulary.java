package org.nn4j.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.io.InvalidInputException;

/**
 * The ids of a tokenizer's symbols, made from training texts: {@value #PADDING} is padding, {@value
 * #UNKNOWN} any symbol not in the vocabulary, then the symbols that occur at least {@code minCount} times,
 * by falling count, equal counts in code-point order; at most {@code maxSize} ids in all. A text becomes
 * {@code T} ids: its symbols' ids, cut after {@code T} or right-padded with 0.
 *
 * <pre>{@code
 * Vocabulary v = Vocabulary.build(Tokenizer.WORD, trainingTexts, 2, 20_000);
 * int[] ids = v.encode("A new text", 50);   // what an embedding with padding_idx 0 takes
 * }</pre>
 */
public final class Vocabulary {
    /** The id of padding, after a text's last symbol. */
    public static final int PADDING = 0;
    /** The id of a symbol the vocabulary does not hold. */
    public static final int UNKNOWN = 1;

    private final Tokenizer tokenizer;
    private final List<String> symbols;
    private final Map<String, Integer> ids;

    private Vocabulary(Tokenizer tokenizer, List<String> symbols) {
        this.tokenizer = tokenizer;
        this.symbols = List.copyOf(symbols);
        this.ids = new HashMap<>(symbols.size() * 2);
        for (int i = 0; i < symbols.size(); i++) {
            if (ids.put(symbols.get(i), i + 2) != null) {
                throw new IllegalArgumentException("the symbol '" + InvalidInputException.shown(symbols.get(i))
                        + "' appears twice in the vocabulary");
            }
        }
    }

    /**
     * The vocabulary of {@code texts} (the training split only: what a held-out text brings is unknown to
     * the model, as it would be in use).
     *
     * @param minCount the fewest occurrences a symbol needs, at least 1
     * @param maxSize the most ids in all, padding and unknown included, at least 3
     * @throws InvalidInputException when no symbol occurs {@code minCount} times: a model would learn
     *     nothing from the texts
     */
    public static Vocabulary build(Tokenizer tokenizer, Iterable<String> texts, int minCount, int maxSize) {
        if (minCount < 1 || maxSize < 3) {
            throw new IllegalArgumentException("a vocabulary needs a minimum count of 1 or more and room for 3 ids or"
                    + " more, not " + minCount + " and " + maxSize);
        }
        Map<String, int[]> counts = new HashMap<>();
        for (String text : texts) {
            tokenizer.forEach(text, s -> counts.computeIfAbsent(s, k -> new int[1])[0]++);
        }
        List<Map.Entry<String, int[]>> kept = new ArrayList<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= minCount) {
                kept.add(e);
            }
        }
        kept.sort(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey, Vocabulary::byCodePoints));
        if (kept.isEmpty()) {
            throw new InvalidInputException("no " + tokenizer.label() + " symbol occurs " + minCount + " time"
                    + (minCount == 1 ? "" : "s") + " or more in the training texts: the vocabulary would be empty");
        }
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < kept.size() && symbols.size() + 2 < maxSize; i++) {
            symbols.add(kept.get(i).getKey());
        }
        return new Vocabulary(tokenizer, symbols);
    }

    /** A vocabulary of {@code symbols} as ids 2, 3, ... (as a model file records them). */
    public static Vocabulary of(Tokenizer tokenizer, List<String> symbols) {
        return new Vocabulary(tokenizer, symbols);
    }

    /** Strings compared code point by code point (for single code points: by code point). */
    static int byCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** The tokenizer whose symbols these are. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Ids in all, padding and unknown included: an embedding's {@code num_embeddings}. */
    public int size() {
        return symbols.size() + 2;
    }

    /** The symbols of ids 2, 3, ..., in order. */
    public List<String> symbols() {
        return symbols;
    }

    /** The id of {@code symbol}: {@value #UNKNOWN} when the vocabulary does not hold it. */
    public int id(String symbol) {
        return ids.getOrDefault(symbol, UNKNOWN);
    }

    /** {@code text} as {@code length} ids into {@code out} from {@code offset}: cut, or right-padded with 0. */
    public void encode(String text, int length, int[] out, int offset) {
        int[] at = {0};
        tokenizer.forEach(text, s -> {
            if (at[0] < length) {
                out[offset + at[0]++] = id(s);
            }
        });
        java.util.Arrays.fill(out, offset + at[0], offset + length, PADDING);
    }

    /** {@code text} as {@code length} ids. */
    public int[] encode(String text, int length) {
        int[] ids = new int[length];
        encode(text, length, ids, 0);
        return ids;
    }
}
