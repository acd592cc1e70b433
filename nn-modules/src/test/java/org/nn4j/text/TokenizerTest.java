package org.nn4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nn4j.io.InvalidInputException;

class TokenizerTest {

    @Test
    void charTokensAreNfcCodePoints() {
        // "é" as e and a combining acute accent is one symbol, as is a code point beyond the BMP.
        assertEquals(List.of("c", "a", "f", "\u00e9", " ", "\uD83D\uDE00"), Tokenizer.CHAR.symbols("cafe\u0301 \uD83D\uDE00"));
        assertEquals(List.of(), Tokenizer.CHAR.symbols(""));
    }

    @Test
    void wordTokensAreLowerCasedRunsOfLettersAndDigitsAndEachMark() {
        assertEquals(List.of("hello", ",", "world", "!", "it", "'", "s", "42", "."),
                Tokenizer.WORD.symbols("Hello, World!  It's\t42."));
        assertEquals(List.of("straße", "café", "x2", "-", "3"), Tokenizer.WORD.symbols("STRAßE Cafe\u0301 x2-3"));
        assertEquals(List.of("日本語", "。"), Tokenizer.WORD.symbols("日本語。"));
        assertEquals(List.of(), Tokenizer.WORD.symbols(" \n\t\u00a0"));
    }

    @Test
    void tokenizersAreNamedInAnyCase() {
        assertEquals(Tokenizer.WORD, Tokenizer.of("Word"));
        assertEquals(1, Tokenizer.CHAR.defaultMinCount());
        assertEquals(2, Tokenizer.WORD.defaultMinCount());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Tokenizer.of("bpe"));
        assertEquals("unknown tokenizer 'bpe'; expected char or word", e.getMessage());
    }

    @Test
    void theVocabularyIsOrderedByFallingCountThenCodePointAndCut() {
        List<String> texts = List.of("b a c a", "b a d", "e");
        // Counts: a 3, b 2, c 1, d 1, e 1; ties by code point.
        Vocabulary all = Vocabulary.build(Tokenizer.WORD, texts, 1, 100);
        assertEquals(List.of("a", "b", "c", "d", "e"), all.symbols());
        assertEquals(7, all.size());
        assertEquals(2, all.id("a"));
        assertEquals(Vocabulary.UNKNOWN, all.id("z"));
        assertEquals(List.of("a", "b"), Vocabulary.build(Tokenizer.WORD, texts, 2, 100).symbols());
        assertEquals(List.of("a", "b", "c"), Vocabulary.build(Tokenizer.WORD, texts, 1, 5).symbols());
        // A supplementary code point sorts after U+FFFF's neighbours by code point, not by UTF-16 unit.
        Vocabulary chars = Vocabulary.build(Tokenizer.CHAR, List.of("\uD83D\uDE00\uFF5E"), 1, 10);
        assertEquals(List.of("\uFF5E", "\uD83D\uDE00"), chars.symbols());
    }

    @Test
    void aTextBecomesIdsCutOrRightPadded() {
        Vocabulary v = Vocabulary.build(Tokenizer.CHAR, List.of("abba", "cab"), 1, 100);
        // a 3, b 3, c 1: a and b tie, by code point.
        assertEquals(List.of("a", "b", "c"), v.symbols());
        assertArrayEquals(new int[] {4, 2, 3, 1, 0, 0}, v.encode("cabz", 6));
        assertArrayEquals(new int[] {2, 3, 3}, v.encode("abbac", 3));
        int[] out = {9, 9, 9, 9, 9};
        v.encode("b", 3, out, 1);
        assertArrayEquals(new int[] {9, 3, 0, 0, 9}, out);
        assertEquals(v.symbols(), Vocabulary.of(Tokenizer.CHAR, v.symbols()).symbols());
    }

    @Test
    void anEmptyVocabularyIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Vocabulary.build(Tokenizer.WORD, List.of("one two", "three"), 2, 100));
        assertTrue(e.getMessage().contains("no word symbol occurs 2 times or more"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(Tokenizer.WORD, List.of("a", "a")));
    }
}
