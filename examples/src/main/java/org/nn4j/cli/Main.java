package org.nn4j.cli;

import com.google.inject.ProvisionException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import org.nn4j.api.SettingException;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.UnwritableFileException;
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
        cli.registerConverter(Path.class, FileNames::path);
        cli.setExecutionExceptionHandler((thrown, commandLine, parseResult) -> {
            String command = commandLine.getCommandSpec().qualifiedName();
            Exception e = userError(thrown);
            int code;
            OutOfMemoryError oom = outOfMemory(e);
            UnwritableFileException unwritable = unwritable(e);
            if (shuttingDown()) {
                // Stopped by a signal: the shutdown hook says so; what failed because of it says nothing.
                return INTERNAL_ERROR;
            } else if (oom != null) {
                err.println(command + ": " + outOfMemoryMessage(oom));
                code = BAD_INPUT;
            } else if (e instanceof InvalidInputException || e instanceof SettingException
                    || e instanceof TrainingDivergedException || e instanceof ClusterFailureException) {
                err.println(command + ": " + e.getMessage());
                code = BAD_INPUT;
            } else if (unwritable != null) {
                err.println(command + ": " + unwritable.getMessage());
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
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            CommandLine.ParseResult parsed = cli.getParseResult();
            while (parsed != null && parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            err.println((parsed != null ? parsed.commandSpec().qualifiedName() : "nn") + ": " + outOfMemoryMessage(e));
            if (debug) {
                e.printStackTrace(err);
            }
            code = BAD_INPUT;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The {@link UnwritableFileException} that {@code e} is or was caused by, or null. */
    static UnwritableFileException unwritable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnwritableFileException u) {
                return u;
            }
        }
        return null;
    }

    /** Whether the JVM is shutting down (a signal), when shutdown hooks can no longer be added. */
    static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * {@code e}, or the bad input or setting that Guice reports as the cause of a {@link
     * ProvisionException} (a layer jar that cannot be loaded, found as the injector makes the registry
     * of layer types).
     */
    private static Exception userError(Exception e) {
        if (e instanceof ProvisionException && (e.getCause() instanceof InvalidInputException
                || e.getCause() instanceof SettingException)) {
            return (Exception) e.getCause();
        }
        return e;
    }

    /** The {@link OutOfMemoryError} that {@code e} is or was caused by, or null. */
    private static OutOfMemoryError outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /**
     * One line for running out of memory: what was being done, how much the JVM may use, what to try.
     * Java heap and native memory (ND4J's arrays) both end here.
     */
    static String outOfMemoryMessage(OutOfMemoryError e) {
        long heap = Runtime.getRuntime().maxMemory();
        String kind = e.getMessage() != null && e.getMessage().contains("Physical") ? "native memory" : "memory";
        String may = heap >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", heap / (double) (1L << 30))
                : (heap >> 20) + " MiB";
        return "out of " + kind + " while " + Activity.now() + " (this JVM may use " + may + "); use less data, a"
                + " smaller --batch-size or smaller layers, or give Java more memory, for example JAVA_OPTS=-Xmx"
                + Math.max(2, 2 * ((heap + (1L << 30) - 1) >> 30)) + "g";
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
