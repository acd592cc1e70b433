package org.nn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerType;
import org.nn4j.nn.spec.LossType;
import org.nn4j.nn.spec.ModuleRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "layers", mixinStandardHelpOptions = true,
        description = {"List every layer type and loss a model spec can name, with its hyper-parameters and origin.",
            "Each comes from a jar: nn4j's own, or any on the class path (NN4J_CLASSPATH for ./nn)."})
final class LayersCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object: {layers: [...], losses: [...]}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        ModuleRegistry registry = ModuleRegistry.load();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(registry)));
            return 0;
        }
        out.println("layer types:");
        for (LayerType type : registry.layerTypes().values()) {
            out.println("  " + type.name() + ": " + type.description() + "  [" + ModuleRegistry.origin(type) + "]");
            for (HyperParameter h : type.hyperParameters()) {
                out.println("      " + h.name() + " (" + h.kind().label() + (h.required() ? ", required"
                        : h.defaultValue() != null ? ", default " + h.defaultValue() : ", optional")
                        + (h.range().isEmpty() ? "" : ", " + h.range()) + "): " + h.description());
            }
        }
        out.println("losses:");
        for (LossType type : registry.lossTypes().values()) {
            out.println("  " + type.name() + (type.aliases().isEmpty() ? "" : " (also " + String.join(", ", type.aliases())
                    + ")") + ": " + type.description() + "  [" + ModuleRegistry.origin(type) + "]");
        }
        return 0;
    }

    private static ObjectNode toJson(ModuleRegistry registry) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode layers = root.putArray("layers");
        for (LayerType type : registry.layerTypes().values()) {
            ObjectNode t = layers.addObject().put("name", type.name()).put("description", type.description())
                    .put("source", ModuleRegistry.origin(type)).put("class", type.getClass().getName());
            ArrayNode hyper = t.putArray("hyper_parameters");
            for (HyperParameter h : type.hyperParameters()) {
                ObjectNode node = hyper.addObject().put("name", h.name()).put("type", h.kind().label())
                        .put("required", h.required());
                node.putPOJO("default", h.defaultValue());
                node.put("range", h.range()).put("description", h.description());
            }
        }
        ArrayNode losses = root.putArray("losses");
        for (LossType type : registry.lossTypes().values()) {
            ObjectNode t = losses.addObject().put("name", type.name()).put("description", type.description())
                    .put("source", ModuleRegistry.origin(type)).put("class", type.getClass().getName());
            ArrayNode aliases = t.putArray("aliases");
            type.aliases().forEach(aliases::add);
        }
        return root;
    }
}
