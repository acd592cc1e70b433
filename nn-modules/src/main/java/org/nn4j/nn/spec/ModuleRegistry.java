package org.nn4j.nn.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.ServiceProviders;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Module;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.Shape;

/**
 * The layer types and losses there are, by name: those that {@link ServiceLoader} finds on the class
 * path (nn4j's own the same way as any other jar's), plus any added by hand or by a Guice binding.
 * Builds {@link Model}s from {@link ModelSpec}s, checking every layer's type, hyper-parameters and shapes,
 * and writes the spec of a model made in Java from modules ({@link #model}).
 */
public final class ModuleRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, LayerType> layers;
    private final Map<String, LossType> losses;
    private final Map<String, LossType> lossesByAlias;

    private ModuleRegistry(Collection<LayerType> layerTypes, Collection<LossType> lossTypes) {
        Map<String, LayerType> l = new TreeMap<>();
        for (LayerType type : layerTypes) {
            String name = nameOf(type, type::name);
            LayerType before = l.putIfAbsent(name, type);
            if (before != null && before.getClass() != type.getClass()) {
                throw new InvalidInputException("two layer types are named '" + name + "': "
                        + before.getClass().getName() + " (" + origin(before) + ") and " + type.getClass().getName()
                        + " (" + origin(type) + "); take one of them off the class path");
            }
        }
        Map<String, LossType> s = new TreeMap<>();
        Map<String, LossType> aliases = new TreeMap<>();
        for (LossType type : lossTypes) {
            String lossName = nameOf(type, type::name);
            s.putIfAbsent(lossName, type);
            List<String> names = new ArrayList<>(nameOf(type, type::aliases));
            names.add(lossName);
            for (String name : names) {
                LossType before = aliases.putIfAbsent(name, type);
                if (before != null && before.getClass() != type.getClass()) {
                    throw new InvalidInputException("two losses are named '" + name + "': "
                            + before.getClass().getName() + " (" + origin(before) + ") and " + type.getClass().getName()
                            + " (" + origin(type) + "); take one of them off the class path");
                }
            }
        }
        this.layers = Collections.unmodifiableMap(l);
        this.losses = Collections.unmodifiableMap(s);
        this.lossesByAlias = Collections.unmodifiableMap(aliases);
    }

    /** A type's name (or aliases), or one line naming the type and its jar when it has none. */
    private static <T> T nameOf(Object type, java.util.function.Supplier<T> name) {
        T value;
        try {
            value = name.get();
        } catch (RuntimeException e) {
            throw new InvalidInputException(origin(type) + ": " + type.getClass().getName() + " cannot tell its name: "
                    + e, e);
        }
        if (value == null || (value instanceof String text && text.isBlank())) {
            throw new InvalidInputException(origin(type) + ": " + type.getClass().getName() + " has no name ("
                    + (value == null ? "null" : "'" + value + "'") + ")");
        }
        return value;
    }

    private static volatile ModuleRegistry builtIn;

    /**
     * nn4j's own layer types and losses, and any others on nn4j's own class path; made once.
     *
     * @throws InvalidInputException naming the jar and class of a layer type or loss that its {@code
     *     META-INF/services} entry names but that cannot be made (asked again, it tries again)
     */
    public static ModuleRegistry builtIn() {
        ModuleRegistry registry = builtIn;
        if (registry == null) {
            synchronized (ModuleRegistry.class) {
                if (builtIn == null) {
                    builtIn = load(ModuleRegistry.class.getClassLoader());
                }
                registry = builtIn;
            }
        }
        return registry;
    }

    /**
     * The layer types and losses found through {@link ServiceLoader} by the thread's context class loader.
     *
     * @throws InvalidInputException as {@link #load(ClassLoader)}
     */
    public static ModuleRegistry load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : ModuleRegistry.class.getClassLoader());
    }

    /**
     * The layer types and losses found through {@link ServiceLoader} by {@code loader}.
     *
     * @throws InvalidInputException naming the jar and the class of a layer type or loss that a jar's
     *     {@code META-INF/services} file names but that cannot be made: a class that is missing, that is
     *     not a layer type (or loss), that is abstract or has no public constructor without arguments,
     *     or whose constructor or static initialiser threw; or two types of one name
     */
    public static ModuleRegistry load(ClassLoader loader) {
        return new ModuleRegistry(providers(LayerType.class, loader), providers(LossType.class, loader));
    }

    private static <T> List<T> providers(Class<T> service, ClassLoader loader) {
        ServiceProviders.Found<T> found = ServiceProviders.load(service, loader);
        if (!found.broken().isEmpty()) {
            ServiceProviders.Broken broken = found.broken().get(0);
            throw new InvalidInputException(broken.message(), broken.error());
        }
        return found.providers();
    }

    /** This registry with {@code more} layer types and losses as well. */
    public ModuleRegistry with(Collection<? extends LayerType> moreLayers, Collection<? extends LossType> moreLosses) {
        List<LayerType> l = new ArrayList<>(layers.values());
        l.addAll(moreLayers);
        List<LossType> s = new ArrayList<>(losses.values());
        s.addAll(moreLosses);
        return new ModuleRegistry(l, s);
    }

    /** Every layer type, by name. */
    public Map<String, LayerType> layerTypes() {
        return layers;
    }

    /** Every loss, by its name (aliases are not keys here). */
    public Map<String, LossType> lossTypes() {
        return losses;
    }

    /** The layer type named {@code name} (or as {@link Names} matches it: {@code Linear}, {@code ReLU}), or null. */
    public LayerType layerType(String name) {
        return Names.find(layers, name);
    }

    /** The loss named {@code name} or one of its aliases (or as {@link Names} matches them: {@code MSELoss}), or null. */
    public LossType lossType(String name) {
        return Names.find(lossesByAlias, name);
    }

    /** Whether the loss named {@code name} (as {@link #lossType} finds it) is a regression loss; false for none. */
    public boolean isRegression(String name) {
        LossType type = name == null ? null : lossType(name);
        return type != null && type.regression();
    }

    /**
     * {@code spec} with its layer types and loss named as this registry names them ({@code Linear} becomes
     * {@code linear}, {@code CrossEntropyLoss} {@code softmax_cross_entropy}), so that a model's spec, and
     * the files it is saved in, hold nn4j's names.
     *
     * @throws InvalidInputException in one line naming {@code where}, for a type or loss there is none of
     */
    public ModelSpec canonical(ModelSpec spec, String where) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> named = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < spec.layers().size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode layer = spec.layer(i);
            String given = spec.types().get(i);
            LayerType type = layerType(given);
            if (type == null) {
                throw new InvalidInputException(SpecErrors.layer(where, i, null) + unknownLayer(given, spec.loss()));
            }
            String name = nameOf(type, type::name);
            if (!name.equals(given)) {
                layer = layer.deepCopy();
                layer.put("type", name);
                changed = true;
            }
            named.add(layer);
        }
        LossType loss = lossType(spec.loss());
        if (loss == null) {
            throw new InvalidInputException(where + ": unknown loss '" + spec.loss() + "'"
                    + Names.suggestion(lossesByAlias.keySet(), spec.loss()) + "; known: "
                    + String.join(", ", lossesByAlias.keySet()));
        }
        String lossName = nameOf(loss, loss::name);
        return changed || !lossName.equals(spec.loss()) ? new ModelSpec(spec.input(), named, lossName) : spec;
    }

    /** What a layer type there is none of is told: the nearest name, or why there is no softmax layer. */
    private String unknownLayer(String given, String loss) {
        String key = Names.key(given);
        if (key.equals("softmax") || key.equals("logsoftmax")) {
            return "there is no layer type '" + given + "': the loss " + loss + " takes the last layer's outputs as"
                    + (Names.key(loss).contains("crossentropy") || Names.key(loss).equals("ce")
                            ? " logits and applies softmax itself; leave the layer out (nn predict gives probabilities)"
                            : " they are; leave the layer out");
        }
        return "unknown layer type '" + given + "'" + Names.suggestion(layers.keySet(), given) + "; known: "
                + String.join(", ", layers.keySet());
    }

    /**
     * The loss named {@code name} (or an alias) on {@code backend}.
     *
     * @throws InvalidInputException naming the losses there are
     */
    public Loss loss(String name, Backend backend, String where) {
        LossType type = lossType(name);
        if (type == null) {
            throw new InvalidInputException(where + ": unknown loss '" + name + "'"
                    + Names.suggestion(lossesByAlias.keySet(), name) + "; known: "
                    + String.join(", ", lossesByAlias.keySet()));
        }
        return type.create(backend);
    }

    /** The file or folder a type's class was loaded from, for {@code nn layers}. */
    public static String origin(Object type) {
        return ServiceProviders.origin(type.getClass());
    }

    /**
     * The model {@code spec} describes on {@code backend}, in {@code dtype}, with initial weights drawn
     * from one generator seeded by {@code seed}, layer after layer.
     *
     * @param where the spec's source, for messages
     * @throws InvalidInputException in one line naming {@code where}, the layer's index and type and
     *     the key at fault: an unknown type, a hyper-parameter missing, unknown, mistyped or out of
     *     range, or shapes that do not fit
     */
    public Model build(ModelSpec spec, Backend backend, DType dtype, long seed, String where) {
        return build(spec, backend, dtype, seed, where, LayerConfig.ValueBudget.memory(dtype));
    }

    /**
     * As {@link #build(ModelSpec, Backend, DType, long, String)}, for a model whose values come from a
     * file holding {@code fileValues} of them: a spec that asks for more fails before it allocates.
     *
     * @param source what holds the values, for messages ("the file's tensors")
     */
    public Model build(ModelSpec spec, Backend backend, DType dtype, String where, long fileValues, String source) {
        // Room to spare, so that a spec a little off is told by the tensor it does not fit; what is
        // bounded is the allocation, at twice the file's values.
        long limit = 2 * fileValues + (1 << 20);
        return build(spec, backend, dtype, 0, where, new LayerConfig.ValueBudget(limit, total -> String.format(
                java.util.Locale.ROOT, "the model would have %,d parameters and buffers, far more than the %,d values"
                        + " %s hold; the spec does not match them", total, fileValues, source)));
    }

    private Model build(ModelSpec spec, Backend backend, DType dtype, long seed, String where,
            LayerConfig.ValueBudget budget) {
        spec = canonical(spec, where);
        Loss loss = loss(spec.loss(), backend, where);
        Random random = new Random(seed);
        List<String> types = spec.types();
        List<Module> modules = new ArrayList<>();
        Shape shape = spec.input();
        for (int i = 0; i < types.size(); i++) {
            String typeName = types.get(i);
            LayerType type = layers.get(typeName);
            LayerConfig config = new LayerConfig(where, i, typeName, values(where, i, type, spec.layer(i)), shape,
                    backend, dtype, random, reversed(types.subList(0, i)), types.subList(i + 1, types.size()), budget);
            Module module;
            try {
                module = type.create(config);
                shape = module.outputShape(shape);
            } catch (InvalidInputException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw config.error(null, e.getMessage());
            }
            modules.add(module);
        }
        try {
            Sequential network = new Sequential(modules);
            network.initialize(Initialization.of(random));
            return new Model(spec, backend, dtype, network, loss);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model of {@code layers}, made in Java: its spec written from the modules ({@link #spec}), and
     * every module initialised from {@code seed} as the layers of that spec would be by {@link
     * #build(ModelSpec, Backend, DType, long, String) build} with the same seed (the modules' values
     * are overwritten), so that the two models hold the same tensors.
     *
     * @param input one example's shape
     * @throws IllegalArgumentException naming the layer at fault: one that no layer type here writes,
     *     or whose parameters are not of {@code dtype}, shapes that do not fit, or a loss that no loss
     *     type here makes
     */
    public Model model(Backend backend, DType dtype, Shape input, Sequential layers, Loss loss, long seed) {
        ModelSpec spec = spec(input, layers, loss);
        List<Module> modules = layers.modules();
        for (int i = 0; i < modules.size(); i++) {
            List<Matrix> state = new ArrayList<>();
            modules.get(i).namedParameters().values().forEach(p -> state.add(p.value()));
            modules.get(i).namedBuffers().values().forEach(b -> state.add(b.value()));
            for (Matrix m : state) {
                if (m.dtype() != dtype) {
                    throw new IllegalArgumentException("layers[" + i + "] (" + modules.get(i) + ") holds " + m.dtype()
                            + " values, but the model is " + dtype);
                }
            }
        }
        layers.initialize(Initialization.of(new Random(seed)));
        return new Model(spec, backend, dtype, layers, loss);
    }

    /**
     * The spec of {@code layers} and {@code loss}: each module written out by the layer type that
     * makes such modules ({@link LayerType#write}), and the loss by its {@link Loss#label() label}.
     *
     * @throws IllegalArgumentException naming the first module that no layer type here writes, or a
     *     loss that no loss type here makes
     */
    public ModelSpec spec(Shape input, Sequential layers, Loss loss) {
        List<ObjectNode> entries = new ArrayList<>();
        List<Module> modules = layers.modules();
        for (int i = 0; i < modules.size(); i++) {
            entries.add(entry(i, modules.get(i)));
        }
        if (lossType(loss.label()) == null) {
            throw new IllegalArgumentException("the loss " + loss.getClass().getName() + " is labelled '" + loss.label()
                    + "', which names no loss type here; known: " + String.join(", ", losses.keySet()));
        }
        return new ModelSpec(input, entries, loss.label());
    }

    /** The spec entry of the module at {@code index}, from the first layer type that writes it. */
    private ObjectNode entry(int index, Module module) {
        for (Map.Entry<String, LayerType> type : layers.entrySet()) {
            Map<String, Object> values = type.getValue().write(module);
            if (values != null) {
                ObjectNode entry = JsonNodeFactory.instance.objectNode().put("type", type.getKey());
                values.forEach((key, value) -> entry.set(key, JSON.valueToTree(value)));
                return entry;
            }
        }
        throw new IllegalArgumentException("layers[" + index + "] (" + module + "): no layer type here writes a "
                + module.getClass().getName() + " as a spec entry (LayerType.write); known types: "
                + String.join(", ", layers.keySet()));
    }

    /** The checked values of one layer's hyper-parameters, defaults filled in. */
    private static Map<String, Object> values(String where, int index, LayerType type, ObjectNode layer) {
        Map<String, HyperParameter> declared = new LinkedHashMap<>();
        type.hyperParameters().forEach(h -> declared.put(h.name(), h));
        Map<String, Object> values = new LinkedHashMap<>();
        String prefix = SpecErrors.layer(where, index, type.name());
        for (Iterator<Map.Entry<String, JsonNode>> it = ModelSpec.hyperParameters(layer); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            HyperParameter h = declared.get(entry.getKey());
            if (h == null) {
                throw new InvalidInputException(prefix + "unknown hyper-parameter '" + entry.getKey() + "'; "
                        + type.name() + (declared.isEmpty() ? " takes none"
                                : " takes " + String.join(", ", declared.keySet())));
            }
            try {
                values.put(h.name(), h.read(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(prefix + e.getMessage());
            }
        }
        for (HyperParameter h : declared.values()) {
            if (!values.containsKey(h.name())) {
                if (h.required()) {
                    throw new InvalidInputException(prefix + "missing '" + h.name() + "' (" + h.description() + ")");
                }
                if (h.defaultValue() != null) {
                    values.put(h.name(), h.defaultValue());
                }
            }
        }
        return values;
    }

    private static List<String> reversed(List<String> list) {
        List<String> r = new ArrayList<>(list);
        Collections.reverse(r);
        return r;
    }
}
