package org.nn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link of README and docs/ leads to a file or folder of the repository, and every
 * {@code #anchor} to a heading of its page, as GitHub names headings.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.*?)\\s*");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> links = new ArrayList<>();
        List<String> broken = broken(ROOT, DocPages.all(ROOT), links);
        assertTrue(links.size() > 40, "relative links found: " + links);
        assertEquals(List.of(), broken);
    }

    @Test
    void aMissingFileAMissingAnchorAndAWayOutAreFound(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.md"), "# A page\n\n## The `nn` command\n\n## Choosing it, twice\n"
                + "## Choosing it, twice\n\n```sh\n[not a link](nowhere.md)\n```\n");
        Files.writeString(root.resolve("README.md"), "[a](docs/a.md#the-nn-command) [b](docs/a.md#choosing-it-twice-1)"
                + " [c](docs/b.md) [d](docs/a.md#no-such-heading) [e](#nn4j) [f](../outside.md) [g](https://x.org/y)"
                + " `[h](in-code.md)`\n\n# nn4j\n");
        List<String> links = new ArrayList<>();
        List<String> broken = broken(root, List.of(root.resolve("README.md"), root.resolve("docs/a.md")), links);
        assertEquals(6, links.size(), links.toString());
        assertEquals(List.of("README.md: docs/b.md (no such file)",
                "README.md: docs/a.md#no-such-heading (no such heading)",
                "README.md: ../outside.md (outside the repository)"), broken);
    }

    @Test
    void headingsAreNamedAsGitHubNamesThem() {
        assertEquals("the-nn-command", anchor("The `nn` command"));
        assertEquals("choosing-the-backend-data-type-and-threads",
                anchor("Choosing the backend, data type and threads"));
        assertEquals("training-on-a-cluster-apache-spark", anchor("Training on a cluster: Apache Spark"));
        assertEquals("2026-12-02-intel-xeon-2-cores", anchor("2026-12-02: Intel Xeon, 2 cores"));
    }

    /** The links of {@code pages} that do not resolve, as "page: link (why)"; each relative one into {@code links}. */
    private static List<String> broken(Path root, List<Path> pages, List<String> links) throws IOException {
        Path top = root.toAbsolutePath().normalize();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            String name = top.relativize(page.toAbsolutePath().normalize()).toString();
            for (String target : links(page)) {
                if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue;  // https:, mailto: ...
                }
                links.add(name + ": " + target);
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = (file.isEmpty() ? page : page.getParent().resolve(file)).toAbsolutePath().normalize();
                if (!resolved.startsWith(top)) {
                    broken.add(name + ": " + target + " (outside the repository)");
                } else if (!Files.exists(resolved)) {
                    broken.add(name + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(name + ": " + target + " (no such heading)");
                }
            }
        }
        return broken;
    }

    /** The targets of a page's links, outside code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code) {
                Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets;
    }

    /** The anchors of a Markdown page's headings (none for another kind of file). */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        if (!page.toString().endsWith(".md")) {
            return anchors;
        }
        Map<String, Integer> seen = new HashMap<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && HEADING.matcher(line).matches()) {
                Matcher m = HEADING.matcher(line);
                m.matches();
                String anchor = anchor(m.group(1));
                int times = seen.merge(anchor, 1, Integer::sum);
                anchors.add(times == 1 ? anchor : anchor + "-" + (times - 1));
            }
        }
        return anchors;
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    private static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
