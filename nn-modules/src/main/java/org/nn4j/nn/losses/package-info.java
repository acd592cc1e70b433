/**
 * The losses: {@link org.nn4j.nn.losses.MeanSquaredError} ({@code mse}), {@link
 * org.nn4j.nn.losses.AbsoluteError} ({@code l1}, {@code smooth_l1}) and {@link
 * org.nn4j.nn.losses.SoftmaxCrossEntropy} ({@code softmax_cross_entropy}, with class weights if given),
 * each a {@link org.nn4j.nn.Loss} over a batch and, through a nested type, a {@link
 * org.nn4j.nn.spec.LossType} that model specs name. A loss of one's own implements {@link
 * org.nn4j.nn.Loss} and is registered as a {@link org.nn4j.nn.spec.LossType} the same way.
 */
package org.nn4j.nn.losses;
