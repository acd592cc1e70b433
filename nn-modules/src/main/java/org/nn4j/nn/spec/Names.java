package org.nn4j.nn.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * How names of layer types, losses and optimizers are matched: exactly, else in any case and without
 * underscores, hyphens or a trailing {@code Loss}, so that PyTorch's class names ({@code Linear},
 * {@code LeakyReLU}, {@code Conv2d}, {@code CrossEntropyLoss}, {@code MSELoss}, {@code AdamW}) find nn4j's
 * ({@code linear}, {@code leaky_relu}, {@code conv2d}, {@code cross_entropy}, {@code mse}, {@code adamw});
 * and what an unknown name is told ("did you mean").
 */
public final class Names {
    private Names() {
    }

    /** {@code name} as it is matched: lower case, without underscores, hyphens or a trailing "loss". */
    public static String key(String name) {
        String key = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return key.endsWith("loss") && key.length() > "loss".length() ? key.substring(0, key.length() - 4) : key;
    }

    /** The value of {@code byName} whose name {@code name} is, exactly or by {@link #key}; null for none. */
    public static <T> T find(Map<String, T> byName, String name) {
        T exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        String key = key(name);
        T found = null;
        for (Map.Entry<String, T> e : byName.entrySet()) {
            if (key(e.getKey()).equals(key)) {
                if (found != null && found != e.getValue()) {
                    return null; // two names alike: no guess
                }
                found = e.getValue();
            }
        }
        return found;
    }

    /** " (did you mean 'relu'?)" for the known name nearest {@code name}, when one is near; else "". */
    public static String suggestion(Collection<String> known, String name) {
        String key = key(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(key, key(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        return best != null && bestDistance <= allowed ? " (did you mean '" + best + "'?)" : "";
    }

    /** Edits (insertions, deletions, substitutions) from {@code a} to {@code b}. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
