/**
 * The {@code nd4j-cuda} provider: the shared ND4J backend code on nd4j-cuda, with an availability
 * check that looks at the driver, the GPU and the CUDA libraries without loading any of them.
 */
package org.nn4j.backend.nd4j.cuda;
