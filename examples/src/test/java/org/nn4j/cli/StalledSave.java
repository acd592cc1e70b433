package org.nn4j.cli;

import java.util.Arrays;
import org.nn4j.io.TestDisks;

/**
 * {@code nn} with a save that stalls, for {@link SignalTest}: the first argument names the file, the
 * second how many of its saves go through; the save after them prints "stalled" on stdout and waits
 * for a signal. The rest are nn's arguments.
 */
final class StalledSave {
    private StalledSave() {
    }

    public static void main(String[] args) {
        TestDisks.stallAfter(args[0], Integer.parseInt(args[1]), () -> {
            System.out.println("stalled");
            System.out.flush();
        });
        Main.main(Arrays.copyOfRange(args, 2, args.length));
    }
}
