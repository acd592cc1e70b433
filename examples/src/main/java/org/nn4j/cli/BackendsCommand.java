package org.nn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import org.nn4j.api.Availability;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Backends;
import org.nn4j.api.Operation;
import org.nn4j.api.ServiceProviders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend on the class path, whether it is available here, and why; and any"
                + " provider that a jar names but that cannot be made, with the jar, the class and why.")
final class BackendsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON list of {name, available, reason, description, broken,"
            + " native_operations, host_operations}: the operations each computes where its matrices live, and those"
            + " that take a round trip through the host; a provider that could not be made has broken true, its"
            + " class as name and in class, and the jars that name it in jars.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        // A provider that cannot be made is listed, with its jar, class and why; the others as ever.
        Backends.Found found = Backends.found();
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(Backends.status(found));
            return 0;
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (BackendProvider provider : found.providers()) {
            Availability availability = Backends.availability(provider);
            ObjectNode entry = list.addObject()
                    .put("name", provider.name())
                    .put("available", availability.available())
                    .put("reason", availability.reason())
                    .put("description", provider.description())
                    .put("broken", false);
            Set<Operation> natives = nativeOperations(provider);
            if (!natives.isEmpty()) {
                ArrayNode nativeList = entry.putArray("native_operations");
                ArrayNode hostList = entry.putArray("host_operations");
                for (Operation operation : Operation.values()) {
                    (natives.contains(operation) ? nativeList : hostList).add(operation.method());
                }
            }
        }
        for (ServiceProviders.Broken broken : found.broken()) {
            ObjectNode entry = list.addObject()
                    .put("name", broken.className())
                    .put("available", false)
                    .put("reason", broken.message())
                    .put("description", "a provider that could not be made")
                    .put("broken", true)
                    .put("class", broken.className());
            ArrayNode jars = entry.putArray("jars");
            broken.origins().forEach(jars::add);
        }
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(list));
        return 0;
    }

    /** What {@code provider} says it runs natively; nothing, when a provider of a jar fails to say. */
    private static Set<Operation> nativeOperations(BackendProvider provider) {
        try {
            return provider.nativeOperations();
        } catch (RuntimeException | LinkageError e) {
            return Set.of();
        }
    }
}
