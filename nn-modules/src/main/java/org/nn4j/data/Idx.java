package org.nn4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.nn4j.io.InvalidInputException;

/**
 * IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number {@code 0x0000TTDD}
 * (type {@code 0x08} for unsigned bytes, {@code DD} dimensions), one 32-bit size per dimension, then
 * the values. Files may be gzip'd; that is recognised by content, not by name.
 */
public final class Idx {
    /** Unsigned bytes in 3 dimensions: images. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes in 1 dimension: labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /** Images with pixel values scaled from [0, 255] to [0, 1]. */
    public record Images(int count, int rows, int cols, float[] pixels) {
    }

    /** An IDX file's header: its item count and, for images, each image's rows and columns (1 x 1 for labels). */
    public record Header(int count, int rows, int cols) {
        /** The header's bytes: the magic number and one size per dimension. */
        public int bytes() {
            return rows == 1 && cols == 1 ? 8 : 16;
        }

        /** The bytes of values after the header, or {@code Long.MAX_VALUE} where that overflows a long. */
        public long bodyBytes() {
            long pixels = (long) rows * cols;
            return pixels > Integer.MAX_VALUE ? Long.MAX_VALUE : count * pixels;
        }
    }

    /** Reads an image file's header from {@code in}, leaving it at the first pixel. */
    public static Header imagesHeader(InputStream in, String name) {
        List<Integer> dims = new Reader(in, name).header(IMAGES_MAGIC, "image", 3);
        return new Header(dims.get(0), dims.get(1), dims.get(2));
    }

    /** Reads a label file's header from {@code in}, leaving it at the first label. */
    public static Header labelsHeader(InputStream in, String name) {
        return new Header(new Reader(in, name).header(LABELS_MAGIC, "label", 1).get(0), 1, 1);
    }

    /** A pixel's stored byte as the value nn4j trains on, in [0, 1]. */
    public static float pixel(byte stored) {
        return (stored & 0xFF) / 255f;
    }

    /** The images of an IDX image file (gzip'd or not), pixels in [0, 1]. */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            return readImages(in, file.toString());
        } catch (IOException e) {
            throw unreadable(file.toString(), e);
        }
    }

    /** The labels of an IDX label file (gzip'd or not). */
    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            return readLabels(in, file.toString());
        } catch (IOException e) {
            throw unreadable(file.toString(), e);
        }
    }

    /** Reads an image file from {@code in}; {@code name} names it in messages. */
    public static Images readImages(InputStream in, String name) {
        Reader reader = new Reader(in, name);
        List<Integer> dims = reader.header(IMAGES_MAGIC, "image", 3);
        int count = dims.get(0);
        int rows = dims.get(1);
        int cols = dims.get(2);
        byte[] raw = reader.body(new Header(count, rows, cols).bodyBytes(), count + " images of " + rows + "x" + cols);
        float[] values = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = pixel(raw[i]);
        }
        return new Images(count, rows, cols, values);
    }

    /** Reads a label file from {@code in}; {@code name} names it in messages. */
    public static int[] readLabels(InputStream in, String name) {
        Reader reader = new Reader(in, name);
        int count = reader.header(LABELS_MAGIC, "label", 1).get(0);
        byte[] raw = reader.body(count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = raw[i] & 0xFF;
        }
        return labels;
    }

    /** The stream of {@code file}, unzipped when it starts with gzip's magic bytes. */
    static InputStream open(Path file) throws IOException {
        try {
            return gunzipIfNeeded(org.nn4j.io.InputFiles.open(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        }
    }

    /** {@code raw}, buffered, and unzipped when it starts with gzip's magic bytes. */
    public static InputStream gunzipIfNeeded(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (ZipException e) {
                throw new InvalidInputException(name + ": corrupt gzip data (" + e.getMessage() + ")");
            } catch (EOFException e) {
                throw new InvalidInputException(name + ": truncated: it ends inside its gzip header");
            }
        }
        return in;
    }

    private static InvalidInputException unreadable(String name, IOException e) {
        if (e instanceof ZipException) {
            return new InvalidInputException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
        if (e instanceof java.io.EOFException) {
            return new InvalidInputException(name + ": truncated: it ends before its header does", e);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new InvalidInputException(name + ": cannot read it (permission denied)", e);
        }
        return new InvalidInputException(name + ": cannot read it (" + (e.getMessage() != null ? e.getMessage()
                : e.getClass().getSimpleName()) + ")", e);
    }

    /** Reads header and body, counting bytes so that errors can say where. */
    private static final class Reader {
        private final DataInputStream in;
        private final String name;
        private long position;

        Reader(InputStream in, String name) {
            this.in = new DataInputStream(in);
            this.name = name;
        }

        List<Integer> header(int expectedMagic, String kind, int dimensions) {
            int magic = readInt("the magic number");
            if (magic != expectedMagic) {
                throw new InvalidInputException(String.format("%s: not an IDX %s file: magic number 0x%08x at byte 0,"
                        + " expected 0x%08x (unsigned bytes, %d dimension%s)", name, kind, magic, expectedMagic,
                        dimensions, dimensions == 1 ? "" : "s"));
            }
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < dimensions; d++) {
                long at = position;
                int size = readInt("dimension " + (d + 1));
                if (size < 1) {
                    throw new InvalidInputException(name + ": dimension " + (d + 1) + " at byte " + at + " is " + size
                            + "; expected at least 1");
                }
                dims.add(size);
            }
            return dims;
        }

        byte[] body(long length, String promised) {
            if (length > Integer.MAX_VALUE - 16) {
                throw new InvalidInputException(name + ": the header promises " + promised + ", too many to load");
            }
            // Grown as the bytes arrive, so that a header promising more than the file holds costs at most
            // twice what the file really holds.
            byte[] body = new byte[(int) Math.min(length, 1 << 20)];
            int read = 0;
            try {
                while (read < length) {
                    if (read == body.length) {
                        body = java.util.Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
                    }
                    int n = in.read(body, read, body.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                if (read == length && in.read() >= 0) {
                    throw new InvalidInputException(name + ": more data after the " + promised
                            + " its header promises (at byte " + (position + read) + ")");
                }
            } catch (IOException e) {
                throw unreadable(name, e);
            }
            if (read < length) {
                throw new InvalidInputException(name + ": truncated at byte " + (position + read) + ": the header promises "
                        + promised + " (" + length + " bytes after the header), found " + read);
            }
            position += read;
            return body;
        }

        private int readInt(String what) {
            try {
                int value = in.readInt();
                position += 4;
                return value;
            } catch (EOFException e) {
                throw new InvalidInputException(name + ": truncated at byte " + position + ", in the header (" + what
                        + ")");
            } catch (IOException e) {
                throw unreadable(name, e);
            }
        }
    }
}
