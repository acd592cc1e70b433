package org.nn4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What one run of {@code nn}, in-process, or of another program printed, and its exit code. */
record NnRun(int code, String out, String err) {

    /** Runs {@code nn} with {@code args} as a user would, capturing stdout and stderr. */
    static NnRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new NnRun(code, out.toString(), err.toString());
    }
}
