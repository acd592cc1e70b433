package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.io.InvalidInputException;

/** Optimizers by name: their default rates and options, and the checks of what is given, in nn train's words too. */
class OptimizersTest {
    private final Backend backend = Backends.select("ejml");
    private final List<Matrix> parameters = List.of(backend.zeros(DType.FLOAT64, 2, 3));
    private static final Map<String, String> FLAGS = Map.of("optimizer", "--optimizer", "learning_rate", "--lr",
            "momentum", "--momentum", "nesterov", "--nesterov", "weight_decay", "--weight-decay");
    private static final UnaryOperator<String> AS_FLAGS = FLAGS::get;

    private static String refused(String name, Double rate, Map<String, ?> options, UnaryOperator<String> names) {
        return assertThrows(InvalidInputException.class, () -> Optimizers.builtIn().check(name, rate, options, names))
                .getMessage();
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void adamAndSgdAreFoundByNameWithTheirDefaultRatesAndOptions() {
        Optimizers optimizers = Optimizers.builtIn();
        assertEquals(List.of("adam", "adamw", "sgd"), List.copyOf(optimizers.types().keySet()));
        assertEquals(1e-3, optimizers.learningRate("adam", null));
        assertEquals(0.05, optimizers.learningRate("sgd", null));
        assertEquals(0.2, optimizers.learningRate("sgd", 0.2));
        assertEquals(Map.of("weight_decay", 0.0), optimizers.check("adam", null, Map.of(), UnaryOperator.identity()));
        assertEquals(Map.of("weight_decay", 0.0, "momentum", 0.9, "nesterov", false),
                optimizers.check("sgd", null, Map.of(), UnaryOperator.identity()));

        Optimizer sgd = optimizers.create("sgd", backend, parameters, null, Map.of("momentum", 0.5, "nesterov", true));
        assertInstanceOf(Sgd.class, sgd);
        assertEquals(0.05, sgd.learningRate());
        assertEquals(Map.of("momentum", 0.5, "nesterov", true, "weight_decay", 0.0), sgd.settings());
        Optimizer adam = optimizers.create("adam", backend, parameters, 0.01, Map.of("weight_decay", 1));
        assertEquals(0.01, adam.learningRate());
        assertEquals(1.0, adam.settings().get("weight_decay"));
    }

    @Test
    void settingsThatDoNotApplyOrAreOutOfRangeAreRefusedNamingThem() {
        UnaryOperator<String> keys = UnaryOperator.identity();
        assertEquals("optimizer: unknown optimizer 'rmsprop'; expected adam, adamw or sgd", refused("rmsprop", null, Map.of(),
                keys));
        assertEquals("momentum, nesterov apply to optimizer sgd only; adam has no momentum", refused("adam", null,
                ordered("momentum", 0.5, "nesterov", true), keys));
        assertEquals("momentun: no optimizer takes it; adam takes weight_decay", refused("adam", null,
                Map.of("momentun", 0.5), keys));
        assertEquals("learning_rate: the learning rate must be a positive number, not Infinity (a finite one)",
                refused("sgd", Double.POSITIVE_INFINITY, Map.of(), keys));
        assertEquals("momentum: momentum must be in [0, 1), not 1.0", refused("sgd", null, Map.of("momentum", 1),
                keys));
        assertEquals("weight_decay: weight decay must be zero or a positive finite number, not -0.5",
                refused("sgd", null, Map.of("weight_decay", -0.5), keys));
        assertEquals("nesterov: Nesterov momentum must be true or false, not yes", refused("sgd", null,
                Map.of("nesterov", "yes"), keys));
        assertEquals("nesterov needs a momentum above 0, not 0", refused("sgd", null,
                Map.of("nesterov", true, "momentum", 0), keys));
        // A Java user gets the same checks from a trainer's builder.
        Trainer.Builder builder = Trainer.builder(org.nn4j.nn.spec.ModuleRegistry.builtIn().build(
                org.nn4j.nn.spec.ModelSpec.parse("{\"input\": [3], \"layers\": [{\"type\": \"linear\","
                        + " \"out_features\": 2}]}", "spec"), backend, DType.FLOAT64, 1, "spec"));
        assertEquals("momentum applies to optimizer sgd only; adam has no momentum", assertThrows(
                InvalidInputException.class, () -> builder.optimizer("adam", Map.of("momentum", 0.9)).build())
                .getMessage());
    }

    @Test
    void nnTrainNamesTheSettingsByItsFlags() {
        assertEquals("--optimizer: unknown optimizer 'rmsprop'; expected adam, adamw or sgd", refused("rmsprop", null,
                Map.of(), AS_FLAGS));
        assertEquals("--momentum, --nesterov apply to --optimizer sgd only; adam has no momentum", refused("adam",
                null, ordered("momentum", 1.5, "nesterov", true), AS_FLAGS));
        assertEquals("--nesterov applies to --optimizer sgd only; adam has no momentum", refused("adam", null,
                Map.of("nesterov", true), AS_FLAGS));
        assertEquals("--lr: the learning rate must be a positive number, not 0.0", refused("adam", 0.0, Map.of(),
                AS_FLAGS));
        assertEquals("--lr: the learning rate must be a positive number, not NaN", refused("adam", Double.NaN,
                Map.of(), AS_FLAGS));
        assertEquals("--momentum: momentum must be in [0, 1), not NaN", refused("sgd", null,
                Map.of("momentum", Double.NaN), AS_FLAGS));
        assertEquals("--weight-decay: weight decay must be zero or a positive finite number, not Infinity",
                refused("sgd", null, Map.of("weight_decay", Double.POSITIVE_INFINITY), AS_FLAGS));
        assertEquals("--nesterov needs a --momentum above 0, not 0", refused("sgd", null,
                ordered("momentum", 0.0, "nesterov", true), AS_FLAGS));
        // The weight decay is checked before the momentum, as nn train always has.
        assertEquals("--weight-decay: weight decay must be zero or a positive finite number, not -1.0",
                refused("sgd", null, ordered("momentum", 2.0, "weight_decay", -1.0), AS_FLAGS));
    }

    @Test
    void aTrainersBuilderSetsTheLearningRateOfTheOptimizerItIsGiven() {
        org.nn4j.nn.Model model = org.nn4j.nn.spec.ModuleRegistry.builtIn().build(org.nn4j.nn.spec.ModelSpec.parse(
                "{\"input\": [3], \"layers\": [{\"type\": \"linear\", \"out_features\": 2}]}", "spec"), backend,
                DType.FLOAT64, 1, "spec");
        Optimizer sgd = new Sgd(backend, model.parameterValues(), 0.1, 0, false, 0);
        Trainer.builder(model).optimizer(sgd).learningRate(0.02).build();
        assertEquals(0.02, sgd.learningRate());
        TrainingContext[] started = new TrainingContext[1];
        Trainer.builder(model).optimizer("sgd").learningRate(0.3).epochs(1).listener(new TrainingListener() {
            @Override
            public void trainingStarted(TrainingContext context) {
                started[0] = context;
            }
        }).build().fit(new org.nn4j.data.Dataset(new float[6], new int[] {0, 1}, 3, List.of("a", "b"), "two"), null);
        assertEquals("sgd", started[0].optimizer().name());
        assertEquals(0.3, started[0].baseLearningRate());
        assertEquals(0.9, started[0].optimizer().settings().get("momentum"));
        assertEquals("the learning rate must be a positive number, not -1.0", assertThrows(
                IllegalArgumentException.class, () -> Trainer.builder(model).optimizer(sgd).learningRate(-1).build())
                .getMessage());
    }
}
