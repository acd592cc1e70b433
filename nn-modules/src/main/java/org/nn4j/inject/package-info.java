/**
 * Guice wiring: {@link org.nn4j.inject.Nn4jModule} binds the chosen {@link org.nn4j.api.Backend} and
 * {@link org.nn4j.api.DType}, so the network and whatever else uses them get them injected.
 */
package org.nn4j.inject;
