package org.nn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.nn4j.api.Availability;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Backends;
import org.nn4j.api.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend on the class path, whether it is available here, and why.")
final class BackendsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON list of {name, available, reason, description,"
            + " native_operations, host_operations}: the operations each computes where its matrices live, and"
            + " those that take a round trip through the host.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        List<BackendProvider> providers = Backends.providers();
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(Backends.status(providers));
            return 0;
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (BackendProvider provider : providers) {
            Availability availability = provider.availability();
            ObjectNode entry = list.addObject()
                    .put("name", provider.name())
                    .put("available", availability.available())
                    .put("reason", availability.reason())
                    .put("description", provider.description());
            Set<Operation> natives = provider.nativeOperations();
            if (!natives.isEmpty()) {
                ArrayNode nativeList = entry.putArray("native_operations");
                ArrayNode hostList = entry.putArray("host_operations");
                for (Operation operation : Operation.values()) {
                    (natives.contains(operation) ? nativeList : hostList).add(operation.method());
                }
            }
        }
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(list));
        return 0;
    }
}
