/**
 * Text to token ids: {@link org.nn4j.text.TextCsv} reads a CSV file of texts (quoted fields over several
 * lines), a {@link org.nn4j.text.Tokenizer} ({@code char} or {@code word}) splits a text into symbols,
 * and a {@link org.nn4j.text.Vocabulary} built from the training texts numbers them (0 padding, 1 any
 * symbol it does not hold) and turns a text into the ids an {@code embedding} takes; {@link
 * org.nn4j.text.TextExamples} makes labelled texts a {@link org.nn4j.data.Dataset} of token ids.
 */
package org.nn4j.text;
