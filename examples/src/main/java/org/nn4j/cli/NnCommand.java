package org.nn4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "nn", mixinStandardHelpOptions = true, versionProvider = NnCommand.Version.class,
        description = "nn4j: neural networks for Java with pluggable compute backends.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, BenchCommand.class, DemoCommand.class,
            GradientsCommand.class, BackendsCommand.class, LayersCommand.class, SummaryCommand.class, ExportCommand.class})
final class NnCommand implements Callable<Integer> {

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show the stack trace of an error.")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command: train, evaluate, predict, export, bench, demo, gradients, backends, layers or summary");
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = NnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"nn4j " + (version == null ? "(development build)" : version)};
        }
    }
}
