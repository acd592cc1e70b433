package org.nn4j.backend.nd4j;

import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageKernels64;

/**
 * {@link PoolingPart} on float64 matrices; {@code PoolingPart32} is generated from this source at build
 * time.
 */
final class PoolingPart64 extends PoolingPart {
    private double[] images = new double[0];
    private double[] values = new double[0];
    private double[] argmax = new double[0];

    @Override
    void fit(int imageValues, int pooledValues) {
        images = images.length < imageValues ? new double[imageValues] : images;
        values = values.length < pooledValues ? new double[pooledValues] : values;
        argmax = argmax.length < pooledValues ? new double[pooledValues] : argmax;
    }

    @Override
    void chunk(HostPooling call, int first, int count, int image, int pooled, int window) {
        Window2d w = call.w;
        int[] index = call.index;
        switch (call.op) {
            case MAX -> {
                call.in.doubles().get(first * image, images, 0, count * image);
                ImageKernels64.maxPool2d(images, 0, count, w, index, values, argmax);
                call.out.doubles().put(first * pooled, values, 0, count * pooled);
                call.argmaxOut.doubles().put(first * pooled, argmax, 0, count * pooled);
            }
            case AVG -> {
                call.in.doubles().get(first * image, images, 0, count * image);
                ImageKernels64.avgPool2d(images, 0, count, image, index, window, values);
                call.out.doubles().put(first * pooled, values, 0, count * pooled);
            }
            case MAX_BACKWARD -> {
                call.in.doubles().get(first * pooled, values, 0, count * pooled);
                call.argmaxIn.doubles().get(first * pooled, argmax, 0, count * pooled);
                ImageKernels64.maxPool2dBackward(values, argmax, 0, count, w, images);
                call.out.doubles().put(first * image, images, 0, count * image);
            }
            case AVG_BACKWARD -> {
                call.in.doubles().get(first * pooled, values, 0, count * pooled);
                ImageKernels64.avgPool2dBackward(values, 0, count, image, index, window, images);
                call.out.doubles().put(first * image, images, 0, count * image);
            }
            default -> throw new IllegalStateException(call.op.toString());
        }
    }
}
