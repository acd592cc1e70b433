package org.nn4j.cli;

/**
 * What the running command is doing, in words, for the one line that running out of memory gives:
 * "out of memory while reading FILE" tells the user what to make smaller.
 */
final class Activity {
    private static volatile String now = "starting";

    private Activity() {
    }

    /** Says that the command now does {@code what} ("reading data.csv", "training"). */
    static void now(String what) {
        now = what;
    }

    /** What the command was doing last. */
    static String now() {
        return now;
    }
}
