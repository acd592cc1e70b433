/**
 * Files nn4j reads and writes. For now: gradient cases, the JSON format of the golden files (a
 * network, its weights, a batch, and optionally the expected results), and their results.
 */
package org.nn4j.io;
