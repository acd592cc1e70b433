/**
 * Runnable programs that use nn4j from Java, as README shows them: its Java examples are marked
 * regions of these files, and a test runs every program and checks that README holds those regions
 * word for word.
 */
package org.nn4j.examples;
