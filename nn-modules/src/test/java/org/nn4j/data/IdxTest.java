package org.nn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.InvalidInputException;

/** IDX files, good and every way bad, plain and gzip'd. */
class IdxTest {
    @TempDir
    Path dir;

    private static byte[] images(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(Idx.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count * rows * cols; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    private static byte[] labels(int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(Idx.LABELS_MAGIC).putInt(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private String error(Runnable read) {
        return assertThrows(InvalidInputException.class, read::run).getMessage();
    }

    @Test
    void imagesAreScaledToZeroOne() throws IOException {
        Idx.Images images = Idx.readImages(write("i", images(2, 2, 3)));
        assertEquals(2, images.count());
        assertEquals(2, images.rows());
        assertEquals(3, images.cols());
        assertEquals(37 / 255f, images.pixels()[1]);
        assertEquals(((5 * 37) & 0xFF) / 255f, images.pixels()[5]);
    }

    @Test
    void gzipIsRecognisedByContent() throws IOException {
        byte[] plain = images(3, 4, 4);
        Idx.Images a = Idx.readImages(write("plain", plain));
        Idx.Images b = Idx.readImages(write("no-gz-suffix", gzip(plain)));
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(new int[] {3, 0, 255}, Idx.readLabels(write("l.gz", gzip(labels(3, 0, 255)))));
    }

    @Test
    void aGzipFileThatEndsInItsOwnHeaderSaysSo() throws IOException {
        Path file = write("cut.gz", new byte[] {0x1f, (byte) 0x8b});
        assertEquals(file + ": truncated: it ends inside its gzip header", error(() -> Idx.readImages(file)));
    }

    @Test
    void aMissingFile() {
        Path missing = dir.resolve("nope");
        assertEquals(missing + ": no such file", error(() -> Idx.readImages(missing)));
    }

    @Test
    void aWrongMagicNumberNamesBoth() throws IOException {
        Path file = write("labels-as-images", labels(1, 2));
        assertEquals(file + ": not an IDX image file: magic number 0x00000801 at byte 0, expected 0x00000803 (unsigned"
                + " bytes, 3 dimensions)", error(() -> Idx.readImages(file)));
    }

    @Test
    void aTruncatedHeader() throws IOException {
        Path file = write("short", Arrays.copyOf(images(1, 2, 2), 10));
        assertEquals(file + ": truncated at byte 8, in the header (dimension 2)", error(() -> Idx.readImages(file)));
    }

    @Test
    void aTruncatedBody() throws IOException {
        Path file = write("cut", Arrays.copyOf(images(3, 2, 2), 16 + 7));
        assertEquals(file + ": truncated at byte 23: the header promises 3 images of 2x2 (12 bytes after the header),"
                + " found 7", error(() -> Idx.readImages(file)));
    }

    @Test
    void dataAfterTheLastItem() throws IOException {
        Path file = write("long", Arrays.copyOf(labels(1, 2), 8 + 3));
        assertEquals(file + ": more data after the 2 labels its header promises (at byte 10)",
                error(() -> Idx.readLabels(file)));
    }

    @Test
    void aZeroDimension() throws IOException {
        Path file = write("empty", images(0, 2, 2));
        assertEquals(file + ": dimension 1 at byte 4 is 0; expected at least 1", error(() -> Idx.readImages(file)));
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] gz = gzip(images(2, 8, 8));
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length / 2 + 1] ^= 0x55;
        Path file = write("corrupt.gz", gz);
        String message = error(() -> Idx.readImages(file));
        assertEquals(true, message.startsWith(file + ": corrupt gzip data") || message.startsWith(file + ": truncated"),
                message);
    }

    @Test
    void labelsThatDoNotMatchTheImages() throws IOException {
        Path d = Files.createDirectory(dir.resolve("fm"));
        Files.write(d.resolve("train-images-idx3-ubyte.gz"), gzip(images(3, 28, 28)));
        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(1, 2)));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), images(1, 28, 28));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), labels(4));
        assertEquals(d.resolve("train-labels-idx1-ubyte.gz") + ": 2 labels for the 3 images of "
                + d.resolve("train-images-idx3-ubyte.gz"), error(() -> FashionMnist.fromDirectory(d)));
        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(1, 2, 12)));
        assertEquals(d.resolve("train-labels-idx1-ubyte.gz") + ": label 12 of image 2 is no Fashion-MNIST class"
                + " (0 to 9)", error(() -> FashionMnist.fromDirectory(d)));
        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(1, 2, 9)));
        Split split = FashionMnist.fromDirectory(d);
        assertEquals(3, split.train().size());
        assertEquals(1, split.test().size());
        assertEquals(784, split.test().featureCount());
    }

    @Test
    void aDirectoryWithoutTheFiles() {
        assertEquals(dir + ": no train-images-idx3-ubyte.gz (or without .gz) in it",
                error(() -> FashionMnist.fromDirectory(dir)));
        Path none = dir.resolve("none");
        assertEquals(true, error(() -> FashionMnist.fromDirectory(none)).startsWith(none + ": no such directory"));
    }
}
