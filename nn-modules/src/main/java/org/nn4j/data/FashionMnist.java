package org.nn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nn4j.io.InvalidInputException;

/**
 * Fashion-MNIST (28x28 grey images of 10 kinds of clothing), from a directory of its four IDX files,
 * from the Debian package {@code dataset-fashion-mnist}, or from the subset that ships inside nn4j
 * (the first 10,000 training and 2,000 test images).
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fashion-MNIST's ten classes, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String SUBSET = "/org/nn4j/data/fashion-mnist-subset/";

    private FashionMnist() {
    }

    /** From {@code directory} when given, else the Debian package when installed, else the shipped subset. */
    public static Split load(Path directory) {
        Path source = source(directory);
        return source == null ? shippedSubset() : fromDirectory(source);
    }

    /** The test set alone, from where {@link #load} would take both: for evaluating, not training. */
    public static Dataset testSet(Path directory) {
        Path source = source(directory);
        if (source == null) {
            return resource("t10k");
        }
        requireDirectory(source);
        return read(source, "t10k");
    }

    /** {@code directory} when given, else the Debian package's when installed, else null: the subset. */
    private static Path source(Path directory) {
        if (directory != null) {
            return directory;
        }
        return Files.isRegularFile(SYSTEM_DIRECTORY.resolve(file("train", "images"))) ? SYSTEM_DIRECTORY : null;
    }

    /** The four files in {@code directory}, gzip'd ({@code .gz}) or not. */
    public static Split fromDirectory(Path directory) {
        requireDirectory(directory);
        Dataset train = read(directory, "train");
        Dataset test = read(directory, "t10k");
        return new Split(train, test, "Fashion-MNIST from " + directory + " (" + train.size() + " training, "
                + test.size() + " test images)");
    }

    /** The subset inside nn4j: 10,000 training and 2,000 test images. */
    public static Split shippedSubset() {
        Dataset train = resource("train");
        Dataset test = resource("t10k");
        return new Split(train, test, "the Fashion-MNIST subset shipped with nn4j (" + train.size() + " training, "
                + test.size() + " test images)");
    }

    private static void requireDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidInputException(directory + ": no such directory; expected Fashion-MNIST's four IDX files"
                    + " in it (" + file("train", "images") + " and so on)");
        }
    }

    private static Dataset read(Path directory, String split) {
        Path images = existing(directory, file(split, "images"));
        Path labels = existing(directory, file(split, "labels"));
        return combine(Idx.readImages(images), Idx.readLabels(labels), images.toString(), labels.toString());
    }

    private static Path existing(Path directory, String gzipped) {
        Path gz = directory.resolve(gzipped);
        if (Files.exists(gz)) {
            return gz;
        }
        Path plain = directory.resolve(gzipped.substring(0, gzipped.length() - 3));
        if (Files.exists(plain)) {
            return plain;
        }
        throw new InvalidInputException(directory + ": no " + gzipped + " (or without .gz) in it");
    }

    private static Dataset resource(String split) {
        String imagesName = SUBSET + file(split, "images");
        String labelsName = SUBSET + file(split, "labels");
        try (InputStream images = FashionMnist.class.getResourceAsStream(imagesName);
                InputStream labels = FashionMnist.class.getResourceAsStream(labelsName)) {
            if (images == null || labels == null) {
                throw new IllegalStateException("the shipped Fashion-MNIST subset is missing from the class path");
            }
            return combine(Idx.readImages(Idx.gunzipIfNeeded(images, imagesName), imagesName),
                    Idx.readLabels(Idx.gunzipIfNeeded(labels, labelsName), labelsName), imagesName, labelsName);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the shipped Fashion-MNIST subset", e);
        }
    }

    private static Dataset combine(Idx.Images images, int[] labels, String imagesName, String labelsName) {
        if (images.count() != labels.length) {
            throw new InvalidInputException(labelsName + ": " + labels.length + " labels for the " + images.count()
                    + " images of " + imagesName);
        }
        for (int i = 0; i < labels.length; i++) {
            requireClass(labels[i], i, labelsName);
        }
        return new Dataset(images.pixels(), labels, images.rows() * images.cols(), CLASS_NAMES, imagesName);
    }

    /** Checks that label {@code label} of image {@code index} in {@code labelsName} is a class. */
    public static void requireClass(int label, long index, String labelsName) {
        if (label >= CLASS_NAMES.size()) {
            throw new InvalidInputException(labelsName + ": label " + label + " of image " + index
                    + " is no Fashion-MNIST class (0 to 9)");
        }
    }

    /**
     * The gzip'd name of a file of the data set: {@code split} is {@code train} or {@code t10k}, {@code
     * kind} {@code images} or {@code labels}; the same without {@code .gz} is accepted too.
     */
    public static String file(String split, String kind) {
        return split + "-" + kind + "-" + (kind.equals("images") ? "idx3" : "idx1") + "-ubyte.gz";
    }
}
