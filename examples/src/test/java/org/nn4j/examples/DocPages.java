package org.nn4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The documentation's pages: README.md, every Markdown file under docs/, and the dated results under bench/. */
final class DocPages {

    private DocPages() {
    }

    static List<Path> all(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        for (String folder : List.of("docs", "bench/results")) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        return pages;
    }
}
