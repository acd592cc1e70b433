package org.nn4j.api;

/**
 * Where a window of a 2-D convolution or pooling goes over images of {@code channels x height x
 * width} values, each example one row of a matrix in that (PyTorch's) order: a {@code kernelHeight x
 * kernelWidth} window, moved {@code stride} values at a time over the image padded with {@code
 * padding} values on each side. The output is {@code outHeight() x outWidth()} positions.
 */
public record Window2d(int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight,
        int strideWidth, int paddingHeight, int paddingWidth) {

    /** Checks that the sizes are positive, the padding not negative, and the kernel fits the padded input. */
    public Window2d {
        if (channels < 1 || height < 1 || width < 1 || kernelHeight < 1 || kernelWidth < 1 || strideHeight < 1
                || strideWidth < 1 || paddingHeight < 0 || paddingWidth < 0) {
            throw new IllegalArgumentException("a window needs positive sizes, kernel and stride and a padding of at"
                    + " least 0, not " + this);
        }
        if (kernelHeight > height + 2 * paddingHeight || kernelWidth > width + 2 * paddingWidth) {
            throw new IllegalArgumentException("a " + kernelHeight + "x" + kernelWidth + " kernel is larger than the "
                    + height + "x" + width + " input padded by " + paddingHeight + "x" + paddingWidth);
        }
    }

    /** A square window: the same kernel, stride and padding in both directions. */
    public static Window2d square(int channels, int height, int width, int kernel, int stride, int padding) {
        return new Window2d(channels, height, width, kernel, kernel, stride, stride, padding, padding);
    }

    /** The output's rows of positions: {@code (height + 2 paddingHeight - kernelHeight) / strideHeight + 1}. */
    public int outHeight() {
        return (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1;
    }

    /** The output's columns of positions: {@code (width + 2 paddingWidth - kernelWidth) / strideWidth + 1}. */
    public int outWidth() {
        return (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1;
    }

    /** The output positions per channel: {@code outHeight() * outWidth()}. */
    public int positions() {
        return outHeight() * outWidth();
    }

    /** The values of one patch over all channels: {@code channels * kernelHeight * kernelWidth}. */
    public int patchSize() {
        return channels * kernelHeight * kernelWidth;
    }

    /** The values of one input image: {@code channels * height * width}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** The values of one pooled image: {@code channels * positions()}. */
    public int pooledSize() {
        return channels * positions();
    }
}
