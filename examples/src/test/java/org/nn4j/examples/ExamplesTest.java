package org.nn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example programs run, and README's Java examples are their marked parts, word for word. */
class ExamplesTest {
    private static final Path ROOT = Path.of("..");
    private static final Path SOURCES = Path.of("src/main/java/org/nn4j/examples");

    private interface Program {
        void run() throws Exception;
    }

    /** What {@code program} prints. */
    private static String printed(Program program) throws Exception {
        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            program.run();
        } finally {
            System.setOut(before);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theModulesExamplePrintsEveryParametersGradientShape() throws Exception {
        String out = printed(() -> ModulesExample.main(new String[] {
            ROOT.resolve("examples/specs/fashion-regularized.json").toString()}));
        assertTrue(out.startsWith("0.weight 784x512\n"), out);
        assertTrue(out.lines().allMatch(l -> l.matches("\\d+\\.(weight|bias) \\d+x\\d+")), out);
        assertEquals(7, out.lines().count(), out);
    }

    @Test
    void theTrainingExampleTrainsSavesResumesAndPredicts(@TempDir Path dir) throws Exception {
        String out = printed(() -> TrainingExample.main(new String[] {dir.toString(), "2"}));
        List<String> epochs = out.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(3, epochs.size(), out);
        assertTrue(epochs.get(2).startsWith("epoch 3: "), out);
        assertTrue(out.contains("epochs 3; the first example: "), out);
        assertTrue(Files.size(dir.resolve("run.safetensors")) > 100_000);
    }

    @Test
    void theRunExampleTrainsAndResumesAsNnTrainDoes(@TempDir Path dir) throws Exception {
        String out = printed(() -> RunExample.main(new String[] {dir.toString(),
            "src/test/resources/bad-inputs/good.csv", "label"}));
        List<String> epochs = out.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(6, epochs.size(), out);
        assertTrue(epochs.get(4).startsWith("epoch 5: "), out);
        assertTrue(out.contains("epochs 6, test accuracy "), out);
        org.nn4j.io.ModelFile.Loaded saved = org.nn4j.io.ModelFile.load(dir.resolve("run.safetensors"),
                org.nn4j.api.Backends.select("ejml"));
        assertTrue(saved.standardizer() != null, "the standardiser is stored with the model");
        assertEquals(0.2, saved.training().path("split").path("test_fraction").asDouble());
    }

    @Test
    void theSeedNetworksLossAndOutputGradientFollowFromItsPrediction() throws Exception {
        String out = printed(() -> SeedNetworkExample.main(new String[0]));
        Matcher m = Pattern.compile("prediction (\\S+), loss (\\S+), output bias gradient (\\S+),").matcher(out);
        assertTrue(m.find(), out);
        double prediction = Double.parseDouble(m.group(1));
        assertTrue(prediction > 0 && prediction < 1, out);
        assertEquals(0.5 * prediction * prediction, Double.parseDouble(m.group(2)), 1e-15, out);
        // The output layer's bias gradient of a batch of one is dL/dp = p - y = p.
        assertEquals(prediction, Double.parseDouble(m.group(3)), 0, out);
    }

    @Test
    void theGuiceExampleBuildsOnTheBackendItIsGiven() throws Exception {
        String out = printed(() -> GuiceExample.main(new String[] {"ejml"}));
        assertEquals("[784] linear(out_features=64) relu linear(out_features=10), softmax_cross_entropy on ejml,"
                + " float32", out.strip());
    }

    @Test
    void readmesJavaExamplesAreTheProgramsMarkedParts() throws IOException {
        List<String> regions = new ArrayList<>();
        Pattern marked = Pattern.compile("// README: \\w+\\n(.*?)\\n\\s*// README end", Pattern.DOTALL);
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = marked.matcher(Files.readString(file));
                while (m.find()) {
                    regions.add(dedent(m.group(1)));
                }
            }
        }
        assertEquals(6, regions.size(), "marked parts");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher blocks = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        List<String> shown = new ArrayList<>();
        while (blocks.find()) {
            shown.add(blocks.group(1));
        }
        assertEquals(regions.size(), shown.size(), "README's Java blocks");
        for (String block : shown) {
            assertTrue(regions.contains(block), "README shows Java that no example program holds:\n" + block);
        }
    }

    private static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
