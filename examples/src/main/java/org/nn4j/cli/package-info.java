/**
 * The {@code nn} command-line tool: {@code demo}, {@code gradients} and {@code backends}, with the
 * backend and data type chosen by flag, system property or environment variable.
 */
package org.nn4j.cli;
