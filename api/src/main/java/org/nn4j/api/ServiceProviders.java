package org.nn4j.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The providers of a service that {@link ServiceLoader} makes, and, for each entry of a jar's {@code
 * META-INF/services} file that it cannot make, one line naming the jar, the class and why: a class that
 * is missing, not a provider, abstract, without a public no-argument constructor, or whose constructor
 * or static initialiser threw. For nn4j's own service loading (backends, layer types, losses) and any
 * other.
 */
public final class ServiceProviders {

    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}"
                    + "\\p{javaJavaIdentifierPart}*)*");

    private ServiceProviders() {
    }

    /**
     * An entry of a services file that could not be made into a provider.
     *
     * @param service the service's interface, by name
     * @param className the class the entry names, or null when it cannot be told
     * @param origins the jars or folders whose services files name it (or that hold the class)
     * @param reason why it could not be made, as the end of {@link #message()}: "a class that is not in the
     *     jar, nor anywhere else on the class path", "whose constructor threw ..."
     * @param error what ServiceLoader (or the provider) threw
     */
    public record Broken(String service, String className, List<String> origins, String reason, Throwable error) {

        /**
         * One line: "JAR: META-INF/services/SERVICE names CLASS, REASON", or, for a class that was made
         * but fails otherwise, "JAR: CLASS REASON".
         */
        public String message() {
            if (className == null) {
                return "a jar on the class path lists a " + service + " that cannot be made: " + reason;
            }
            String where = origins.isEmpty() ? "(unknown)" : String.join(", ", origins);
            return where + ": META-INF/services/" + service + " names " + className + ", " + reason;
        }
    }

    /**
     * What {@link #load} found.
     *
     * @param service the service
     * @param providers the providers made, in ServiceLoader's order
     * @param broken the entries that could not be made, in the order of the services files
     * @param entries each class the services files name, with the jars or folders that name it
     */
    public record Found<T>(Class<T> service, List<T> providers, List<Broken> broken,
            Map<String, List<String>> entries) {
        public Found {
            providers = List.copyOf(providers);
            broken = List.copyOf(broken);
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        /**
         * {@code provider}, made but of no use for {@code reason} (a name it cannot tell, say), as a broken
         * entry: named with the jars whose services files name it, else the one that holds its class.
         */
        public Broken broken(T provider, String reason, Throwable error) {
            Class<?> type = provider.getClass();
            return new Broken(service.getName(), type.getName(), entries.getOrDefault(type.getName(),
                    List.of(origin(type))), reason, error);
        }
    }

    /**
     * Every provider of {@code service} that {@code loader}'s {@link ServiceLoader} makes, going on
     * past those it cannot make, which are told in {@link Found#broken()}.
     */
    public static <T> Found<T> load(Class<T> service, ClassLoader loader) {
        Map<String, List<String>> entries = entries(service, loader);
        List<String> names = new ArrayList<>(entries.keySet());
        List<T> providers = new ArrayList<>();
        List<Broken> broken = new ArrayList<>();
        Iterator<T> iterator = ServiceLoader.load(service, loader).iterator();
        // ServiceLoader tries the entries in the order of the files and their lines, each name once: the
        // entry an error is about is the next one, unless its message names another.
        int next = 0;
        // ServiceLoader goes on after an error "where it can": bounded, should it not.
        for (int tries = 0; tries <= names.size() + 16; tries++) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                T provider = iterator.next();
                providers.add(provider);
                int at = names.indexOf(provider.getClass().getName());
                if (at >= 0) {
                    next = at + 1;
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                String name = named(names, String.valueOf(e.getMessage()));
                if (name == null && next < names.size()) {
                    name = names.get(next);
                }
                if (name != null) {
                    next = names.indexOf(name) + 1;
                }
                broken.add(describe(service, name, name == null ? List.of() : entries.get(name), loader, e));
            }
        }
        return new Found<>(service, providers, broken, entries);
    }

    /**
     * The error {@code error} (a {@link ServiceConfigurationError}, or a {@link LinkageError} that loading
     * a provider's class threw) as a {@link Broken} entry: the jar or folder whose services file names
     * the provider, the provider's class, and why it could not be made.
     */
    public static Broken broken(Class<?> service, ClassLoader loader, Throwable error) {
        Map<String, List<String>> entries = entries(service, loader);
        String name = named(entries.keySet(), String.valueOf(error.getMessage()));
        if (name == null) {
            // A class that failed to link names the class it lacks, not the provider: the provider is
            // the first entry whose class does not load.
            name = entries.keySet().stream().filter(n -> !loads(n, loader)).findFirst().orElse(null);
        }
        return describe(service, name, name == null ? List.of() : entries.get(name), loader, error);
    }

    private static Broken describe(Class<?> service, String name, List<String> origins, ClassLoader loader,
            Throwable error) {
        if (name == null) {
            return new Broken(service.getName(), null, List.of(), String.valueOf(error), error);
        }
        return new Broken(service.getName(), name, origins, why(service, name, loader, error), error);
    }

    /** Each class the services files of {@code service} name, with the jars or folders that name it. */
    public static Map<String, List<String>> entries(Class<?> service, ClassLoader loader) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Enumeration<URL> files;
        try {
            files = loader.getResources("META-INF/services/" + service.getName());
        } catch (IOException e) {
            return entries;
        }
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            String where = origin(file, service);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(uncached(file),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    // The format ServiceLoader reads: one class a line, '#' starts a comment.
                    int comment = line.indexOf('#');
                    String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
                    if (!name.isEmpty()) {
                        List<String> origins = entries.computeIfAbsent(name, n -> new ArrayList<>());
                        if (!origins.contains(where)) {
                            origins.add(where);
                        }
                    }
                }
            } catch (IOException e) {
                // A file that cannot be read names nothing that can be told.
            }
        }
        return entries;
    }

    /** The file or folder {@code type} was loaded from, or "(unknown)". */
    public static String origin(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "(unknown)";
        }
        try {
            return Path.of(source.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return source.getLocation().toString();
        }
    }

    /** The content at {@code file}, read without the JDK's cache of open jars (which keeps them open). */
    private static InputStream uncached(URL file) throws IOException {
        URLConnection connection = file.openConnection();
        connection.setUseCaches(false);
        return connection.getInputStream();
    }

    /** The jar (or folder) that holds the services file at {@code file}. */
    private static String origin(URL file, Class<?> service) {
        String url = file.toString();
        try {
            if (url.startsWith("jar:") && url.contains("!/")) {
                return Path.of(new URI(url.substring("jar:".length(), url.indexOf("!/")))).toString();
            }
            if (file.getProtocol().equals("file")) {
                Path path = Path.of(file.toURI());
                // META-INF/services/NAME: three levels under the folder.
                return path.getParent().getParent().getParent().toString();
            }
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            // An address of another kind: as it is.
        }
        return url.replace("!/META-INF/services/" + service.getName(), "");
    }

    /** The longest of {@code names} that {@code message} names as a whole class name, or null. */
    private static String named(Iterable<String> names, String message) {
        String found = null;
        for (String name : names) {
            if ((found == null || name.length() > found.length())
                    && Pattern.compile("(?<![\\w$.])" + Pattern.quote(name) + "(?![\\w$.])").matcher(message).find()) {
                found = name;
            }
        }
        return found;
    }

    private static boolean loads(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Why the provider {@code name} could not be made, from the class itself and {@code error}. */
    private static String why(Class<?> service, String name, ClassLoader loader, Throwable error) {
        if (!CLASS_NAME.matcher(name).matches()) {
            return "which is not a class name (ServiceLoader reads no further in that file)";
        }
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            return "a class that is not in the jar, nor anywhere else on the class path";
        } catch (LinkageError e) {
            return "a class that cannot be loaded (" + e + ")";
        }
        if (!service.isAssignableFrom(type)) {
            return "a class that does not implement " + service.getName();
        }
        if (type.isInterface()) {
            return "an interface, not a class";
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            return "an abstract class";
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            return "a class that is not public";
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            return "a class without a public constructor that takes no arguments";
        }
        Throwable cause = error instanceof ServiceConfigurationError ? error.getCause() : error;
        if (cause instanceof InvocationTargetException invocation && invocation.getCause() != null) {
            cause = invocation.getCause();
        }
        if (cause instanceof ExceptionInInitializerError initializer) {
            return "whose static initialiser threw " + (initializer.getCause() != null ? initializer.getCause()
                    : initializer);
        }
        if (cause instanceof NoClassDefFoundError failed && String.valueOf(failed.getMessage())
                .startsWith("Could not initialize class")) {
            return "whose static initialiser failed (" + failed.getMessage() + ")";
        }
        if (cause != null) {
            return "whose constructor threw " + cause;
        }
        return "which could not be made: " + error.getMessage();
    }
}
