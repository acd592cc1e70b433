/**
 * Runnable programs that use nn4j from Java, as README and docs/ show them: their Java examples are
 * marked regions of these files (or, as README's quick start, a whole file), and a test runs every
 * program and checks that the pages hold those regions word for word.
 */
package org.nn4j.examples;
