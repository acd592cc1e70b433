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

/** The example programs run, and the Java of README and docs/ is their marked parts or whole programs. */
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
        String typed = printed(() -> ModulesExample.main(new String[0]));
        assertEquals(List.of("0.weight 784x256", "0.bias 1x256", "3.weight 256x10", "3.bias 1x10"),
                typed.lines().toList(), typed);
    }

    @Test
    void theTrainingExampleTrainsSavesResumesAndPredicts(@TempDir Path dir) throws Exception {
        String out = printed(() -> TrainingExample.main(new String[] {dir.toString(), "2"}));
        List<String> epochs = out.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(3, epochs.size(), out);
        assertTrue(epochs.get(2).startsWith("epoch 3: "), out);
        assertTrue(out.contains("epochs 3, test accuracy ") && out.contains("; the first example: "), out);
        assertTrue(Files.size(dir.resolve("run.safetensors")) > 100_000);
    }

    @Test
    void theOnnxExampleWritesWhatOnnxExportGives(@TempDir Path dir) throws Exception {
        org.nn4j.api.Backend backend = org.nn4j.api.Backends.select("ejml");
        org.nn4j.nn.Model built = org.nn4j.nn.spec.ModuleRegistry.builtIn().build(org.nn4j.nn.spec.ModelSpec.builder(4)
                .layer("linear", "out_features", 3).layer("relu").layer("linear", "out_features", 2).build(), backend,
                org.nn4j.api.DType.FLOAT32, 1, "test");
        Path model = dir.resolve("run.safetensors");
        org.nn4j.io.ModelFile.save(model, built, List.of("a", "b"), null, java.util.Map.of(), java.util.Map.of());
        Path onnx = dir.resolve("run.onnx");
        String out = printed(() -> OnnxExample.main(new String[] {model.toString(), onnx.toString()}));
        assertEquals("wrote " + onnx, out.strip());
        org.junit.jupiter.api.Assertions.assertArrayEquals(org.nn4j.onnx.OnnxExport.toBytes(
                org.nn4j.io.ModelFile.load(model, backend)), Files.readAllBytes(onnx));
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
    void theQuickStartTrainsAndPrintsItsAccuracy() throws Exception {
        String out = printed(() -> QuickStart.main(new String[0]));
        assertEquals(2, out.lines().filter(l -> l.startsWith("epoch ")).count(), out);
        Matcher m = Pattern.compile("test accuracy (\\S+) on \\S+").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0.7, out);
    }

    /**
     * Every Java block of README and docs/ is a marked part of an example program (between {@code //
     * README: name} and {@code // README end}) or a whole program, and every marked part is shown.
     */
    @Test
    void theDocsJavaIsTheProgramsMarkedPartsOrWholePrograms() throws IOException {
        List<String> regions = new ArrayList<>();
        List<String> programs = new ArrayList<>();
        Pattern marked = Pattern.compile("// README: \\w+\\n(.*?)\\n\\s*// README end", Pattern.DOTALL);
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.sorted().toList()) {
                String source = Files.readString(file);
                programs.add(source.strip());
                Matcher m = marked.matcher(source);
                while (m.find()) {
                    regions.add(dedent(m.group(1)));
                }
            }
        }
        assertEquals(7, regions.size(), "marked parts");
        List<String> shown = new ArrayList<>();
        for (Path page : DocPages.all(ROOT)) {
            Matcher blocks = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(Files.readString(page));
            while (blocks.find()) {
                String block = blocks.group(1);
                assertTrue(regions.contains(block) || programs.contains(block.strip()),
                        ROOT.relativize(page) + " shows Java that no example program holds:\n" + block);
                shown.add(block);
            }
        }
        for (String region : regions) {
            assertTrue(shown.contains(region), "a marked part that README and docs/ do not show:\n" + region);
        }
        String quickStart = Files.readString(SOURCES.resolve("QuickStart.java")).strip();
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains("```java\n" + quickStart + "\n```"),
                "README's quick start is QuickStart.java, whole");
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
