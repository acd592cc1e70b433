package org.nn4j.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.io.InvalidInputException;

/**
 * The optimizer types there are, by name: nn4j's {@code adam} (learning rate 1e-3 by default) and
 * {@code sgd} (0.05, momentum 0.9), and any others that {@link ServiceLoader} finds. Makes optimizers
 * by name, with their default rates and options, after checking every option given:
 *
 * <pre>{@code
 * Optimizer sgd = Optimizers.builtIn().create("sgd", backend, model.parameterValues(), null,
 *         Map.of("momentum", 0.5, "nesterov", true));   // null: sgd's own rate, 0.05
 * }</pre>
 */
public final class Optimizers {
    private static volatile Optimizers builtIn;
    private final Map<String, OptimizerType> types;

    private Optimizers(Collection<? extends OptimizerType> found) {
        Map<String, OptimizerType> byName = new TreeMap<>();
        for (OptimizerType type : found) {
            OptimizerType before = byName.putIfAbsent(type.name(), type);
            if (before != null && before.getClass() != type.getClass()) {
                throw new InvalidInputException("two optimizer types are named '" + type.name() + "': "
                        + before.getClass().getName() + " and " + type.getClass().getName()
                        + "; take one of them off the class path");
            }
        }
        this.types = Collections.unmodifiableMap(byName);
    }

    /** nn4j's own optimizer types and any others on nn4j's own class path; made once. */
    public static Optimizers builtIn() {
        Optimizers registry = builtIn;
        if (registry == null) {
            synchronized (Optimizers.class) {
                if (builtIn == null) {
                    builtIn = load(Optimizers.class.getClassLoader());
                }
                registry = builtIn;
            }
        }
        return registry;
    }

    /**
     * The optimizer types that {@link ServiceLoader} finds with {@code loader}.
     *
     * @throws InvalidInputException when a services entry names a type that cannot be made, or two
     *     types share a name
     */
    public static Optimizers load(ClassLoader loader) {
        List<OptimizerType> found = new ArrayList<>();
        Iterator<OptimizerType> providers = ServiceLoader.load(OptimizerType.class, loader).iterator();
        try {
            while (providers.hasNext()) {
                found.add(providers.next());
            }
        } catch (java.util.ServiceConfigurationError | LinkageError e) {
            throw new InvalidInputException("an optimizer type on the class path cannot be made: " + e.getMessage(),
                    e);
        }
        return new Optimizers(found);
    }

    /** These types and {@code more}. */
    public Optimizers with(Collection<? extends OptimizerType> more) {
        List<OptimizerType> all = new ArrayList<>(types.values());
        all.addAll(more);
        return new Optimizers(all);
    }

    /** Every type, by name. */
    public Map<String, OptimizerType> types() {
        return types;
    }

    /** The type named {@code name}, or null. */
    public OptimizerType type(String name) {
        return org.nn4j.nn.spec.Names.find(types, name);
    }

    /** "unknown optimizer 'NAME'; expected adam, adamw or sgd": what a name that is none of these gets. */
    public String unknown(String name) {
        List<String> names = new ArrayList<>(types.keySet());
        String expected = names.size() < 2 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        return "unknown optimizer '" + name + "'" + org.nn4j.nn.spec.Names.suggestion(types.keySet(), name) + "; expected "
                + expected;
    }

    /**
     * Checks an optimizer's settings and fills in its defaults: the name, then options that the
     * optimizer does not take (refused, naming the optimizers that do), then the learning rate, then
     * each option's value in the type's order, then how they go together. Every type also takes {@link
     * Optimizer#CLIP_GRAD_NORM} ({@code clip_grad_norm}), which is in the result only when given.
     *
     * @param learningRate the rate given, or null for the type's default
     * @param options the options given (a {@code Number} or {@code Boolean} each), in the order given
     * @param names how messages name the settings {@code optimizer}, {@code learning_rate} and each
     *     option (nn train passes its flags: {@code learning_rate} is {@code --lr}); {@code
     *     UnaryOperator.identity()} names them by their keys
     * @return every option of the type, checked, the defaults for those not given
     * @throws InvalidInputException naming the setting at fault, for example "momentum: momentum must be
     *     in [0, 1), not 1.5"
     */
    public Map<String, Object> check(String name, Double learningRate, Map<String, ?> options,
            UnaryOperator<String> names) {
        OptimizerType type = org.nn4j.nn.spec.Names.find(types, name);
        if (type == null) {
            throw new InvalidInputException(names.apply("optimizer") + ": " + unknown(name));
        }
        List<String> taken = type.options().stream().map(OptimizerOption::name).toList();
        List<String> refused = options.keySet().stream()
                .filter(o -> !taken.contains(o) && !o.equals(Optimizer.CLIP_GRAD_NORM.name())).toList();
        if (!refused.isEmpty()) {
            throw new InvalidInputException(notTaken(type, refused, names));
        }
        if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new InvalidInputException(names.apply("learning_rate") + ": the learning rate must be a positive"
                    + " number, not " + learningRate + (Double.isInfinite(learningRate) ? " (a finite one)" : ""));
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        for (OptimizerOption option : type.options()) {
            Object value = options.get(option.name());
            checked.put(option.name(), value == null ? option.defaultValue() : option.check(value, names));
        }
        type.check(checked, names);
        Object clip = options.get(Optimizer.CLIP_GRAD_NORM.name());
        if (clip != null) {
            checked.put(Optimizer.CLIP_GRAD_NORM.name(), Optimizer.CLIP_GRAD_NORM.check(clip, names));
        }
        return checked;
    }

    /** "--momentum, --nesterov apply to --optimizer sgd only; adam has no momentum", or for options no type takes. */
    private String notTaken(OptimizerType type, List<String> refused, UnaryOperator<String> names) {
        List<String> shown = refused.stream().map(names).toList();
        List<OptimizerType> owners = types.values().stream().filter(t -> t.options().stream()
                .map(OptimizerOption::name).toList().containsAll(refused)).toList();
        String options = String.join(", ", shown);
        if (owners.isEmpty()) {
            return options + ": no optimizer takes " + (refused.size() == 1 ? "it" : "them") + "; " + type.name()
                    + " takes " + (type.options().isEmpty() ? "none but the learning rate" : String.join(", ",
                            type.options().stream().map(o -> names.apply(o.name())).toList()));
        }
        List<String> taken = type.options().stream().map(OptimizerOption::name).toList();
        // What the chosen type lacks, in words: the first option of the first type that takes them.
        String lacks = owners.get(0).options().stream().filter(o -> !taken.contains(o.name())).findFirst()
                .map(OptimizerOption::label).orElse(refused.get(0));
        return options + (refused.size() == 1 ? " applies" : " apply") + " to " + names.apply("optimizer") + " "
                + String.join(" or ", owners.stream().map(OptimizerType::name).toList()) + " only; " + type.name()
                + " has no " + lacks;
    }

    /** The learning rate {@code given}, or when null the default rate of the type {@code name}. */
    public double learningRate(String name, Double given) {
        if (given != null) {
            return given;
        }
        OptimizerType type = org.nn4j.nn.spec.Names.find(types, name);
        if (type == null) {
            throw new InvalidInputException(unknown(name));
        }
        return type.defaultLearningRate();
    }

    /**
     * A new optimizer {@code name} of {@code parameters} on {@code backend}, after {@link #check} with
     * the settings named by their keys.
     *
     * @param learningRate the rate, or null for the type's default
     * @param options the options given; the type's defaults for the rest; {@code clip_grad_norm} clips
     *     gradients ({@link Optimizer#clipGradNorm})
     * @throws InvalidInputException naming the setting at fault
     */
    public Optimizer create(String name, Backend backend, List<Matrix> parameters, Double learningRate,
            Map<String, ?> options) {
        Map<String, Object> checked = check(name, learningRate, options, UnaryOperator.identity());
        Optimizer optimizer = org.nn4j.nn.spec.Names.find(types, name).create(backend, parameters, learningRate(name, learningRate), checked);
        Object clip = checked.get(Optimizer.CLIP_GRAD_NORM.name());
        return clip == null ? optimizer : optimizer.clipGradNorm((Double) clip);
    }
}
