package org.nn4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import org.nn4j.api.SettingException;
import org.nn4j.io.InvalidInputException;
import org.nn4j.train.ClusterFailureException;
import org.nn4j.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Runs {@code nn}. Exit codes: 0 done, 2 bad input or usage (one line on stderr saying what is
 * wrong), 1 an internal error. {@code --debug} adds the stack trace.
 */
public final class Main {
    static final int BAD_INPUT = 2;
    static final int INTERNAL_ERROR = 1;

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }

    /** Runs {@code nn} with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        quietLibraryLogs(debug);
        CommandLine cli = new CommandLine(new NnCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ParameterException e, String[] ignored) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
            if (debug) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String command = commandLine.getCommandSpec().qualifiedName();
            int code;
            if (e instanceof InvalidInputException || e instanceof SettingException
                    || e instanceof TrainingDivergedException || e instanceof ClusterFailureException) {
                err.println(command + ": " + e.getMessage());
                code = BAD_INPUT;
            } else {
                err.println(command + ": internal error: " + e
                        + (debug ? "" : " (run with --debug for the stack trace)"));
                code = INTERNAL_ERROR;
            }
            if (debug) {
                e.printStackTrace(err);
            }
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Libraries' own logging (ND4J's banner and its notes on skipped backends) goes to stderr only
     * with {@code --debug}, unless the user configured the logger.
     */
    private static void quietLibraryLogs(boolean debug) {
        // Charts are drawn off screen; no display is needed.
        System.setProperty("java.awt.headless", "true");
        String level = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(level) == null) {
            System.setProperty(level, debug ? "debug" : "off");
        }
    }
}
