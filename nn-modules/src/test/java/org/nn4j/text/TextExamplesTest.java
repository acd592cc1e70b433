package org.nn4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;
import org.nn4j.train.Trainer;
import org.nn4j.train.TrainingHistory;

class TextExamplesTest {

    private static TextCsv csv(String text) throws IOException {
        return TextCsv.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv", "text", "label");
    }

    @Test
    void textsBecomeTokenIdsAndLabelsClasses() throws IOException {
        TextCsv rows = csv("text,label\n\"a b, a\",pos\nb c,neg\nd,pos\n");
        Vocabulary words = Vocabulary.build(Tokenizer.WORD, rows.texts(), 1, 100);
        // a 2, b 2, "," 1, c 1, d 1: ids 2.. in that order (ties by code point: ',' before letters).
        assertEquals(List.of("a", "b", ",", "c", "d"), words.symbols());
        List<String> classes = TextExamples.classes(rows);
        assertEquals(List.of("neg", "pos"), classes);
        Dataset data = TextExamples.of(rows, words, 4, classes);
        assertArrayEquals(new int[] {2, 3, 4, 2, 3, 5, 0, 0, 6, 0, 0, 0}, data.tokens());
        assertArrayEquals(new int[] {1, 0, 1}, data.labels());
        assertEquals(4, data.featureCount());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TextExamples.of(csv("text,label\nx,maybe\n"), words, 4, classes));
        assertEquals("t.csv: text 1 has the label 'maybe', not one of the classes neg, pos", e.getMessage());
    }

    @Test
    void aCharModelLearnsWhichWordATextHolds() throws IOException {
        // Texts of random letters holding "yes" or "no": an embedding, mean pooling and a linear layer learn it.
        Random random = new Random(3);
        StringBuilder text = new StringBuilder("text,label\n");
        for (int i = 0; i < 200; i++) {
            boolean yes = random.nextBoolean();
            text.append((char) ('p' + random.nextInt(8))).append(yes ? "yes" : "no")
                    .append((char) ('p' + random.nextInt(8))).append(',').append(yes ? 1 : 0).append('\n');
        }
        TextCsv rows = csv(text.toString());
        Vocabulary chars = Vocabulary.build(Tokenizer.CHAR, rows.texts(), 1, 100);
        Dataset data = TextExamples.of(rows, chars, 6, TextExamples.classes(rows));
        ModelSpec spec = ModelSpec.parse("{\"input\": [6], \"layers\": [{\"type\": \"embedding\", \"num_embeddings\": "
                + chars.size() + ", \"embedding_dim\": 8, \"padding_idx\": 0}, {\"type\": \"sequence_pool\", \"mode\":"
                + " \"mean\"}, {\"type\": \"linear\", \"out_features\": 2}]}", "spec");
        Model model = ModuleRegistry.builtIn().build(spec, Backends.select("ejml"), DType.FLOAT32, 1, "spec");
        TrainingHistory history = Trainer.builder(model).epochs(30).batchSize(32).learningRate(0.05).build()
                .fit(data, data);
        assertTrue(history.last().validation().accuracy() > 0.95, "accuracy " + history.last().validation().accuracy());
    }
}
