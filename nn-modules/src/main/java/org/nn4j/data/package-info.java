/**
 * Labelled data for classification: {@link org.nn4j.data.Dataset}, read from IDX files (the MNIST
 * and Fashion-MNIST format, plain or gzip'd) or CSV, and Fashion-MNIST itself, from a directory, the
 * Debian package or the subset that ships with nn4j.
 */
package org.nn4j.data;
