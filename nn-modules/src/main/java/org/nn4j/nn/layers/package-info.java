/**
 * nn4j's own layer types, each a {@link org.nn4j.nn.Module} with its {@link
 * org.nn4j.nn.spec.LayerType} as a nested {@code Type} class, registered through {@code
 * META-INF/services/org.nn4j.nn.spec.LayerType} like any other jar's: {@code linear}, {@code sigmoid},
 * {@code tanh}, {@code relu}, {@code leaky_relu}, {@code dropout}, {@code batchnorm1d}, {@code
 * flatten}. Names, hyper-parameters, defaults and {@code state_dict} layouts follow {@code torch.nn}.
 */
package org.nn4j.nn.layers;
