package org.nn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Fashion-MNIST subset inside nn4j, copied out as a data directory, so tests do not depend on what is installed. */
final class ShippedSubset {

    private ShippedSubset() {
    }

    static Path copyTo(Path directory) throws IOException {
        for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            try (InputStream in = ShippedSubset.class.getResourceAsStream("/org/nn4j/data/fashion-mnist-subset/" + name)) {
                Files.copy(in, directory.resolve(name));
            }
        }
        return directory;
    }
}
