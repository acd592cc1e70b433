package org.nn4j.nn.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.regex.Pattern;
import org.nn4j.io.InvalidInputException;

/**
 * The entries of the class path's {@code META-INF/services} files, to tell in one line which jar names
 * a provider that {@link java.util.ServiceLoader} could not make, and why: a class that is missing,
 * not a provider, abstract, without a public no-argument constructor, or whose constructor or static
 * initialiser threw.
 */
final class ServiceEntries {

    private ServiceEntries() {
    }

    /**
     * The error {@code error} (a {@link ServiceConfigurationError}, or a {@link LinkageError} that
     * loading a provider's class threw) as one line: the jar or folder whose services file names the
     * provider, the provider's class, and why it could not be made.
     */
    static InvalidInputException broken(Class<?> service, ClassLoader loader, Throwable error) {
        Map<String, List<String>> entries = entries(service, loader);
        String name = named(entries.keySet(), String.valueOf(error.getMessage()));
        if (name == null) {
            // A class that failed to link names the class it lacks, not the provider: the provider is
            // the first entry whose class does not load.
            name = entries.keySet().stream().filter(n -> !loads(n, loader)).findFirst().orElse(null);
        }
        if (name == null) {
            return new InvalidInputException("a jar on the class path lists a " + service.getName()
                    + " that cannot be made: " + error, error);
        }
        return new InvalidInputException(String.join(", ", entries.get(name)) + ": META-INF/services/"
                + service.getName() + " names " + name + ", " + why(service, name, loader, error), error);
    }

    /** Each class the services files of {@code service} name, with the jars or folders that name it. */
    static Map<String, List<String>> entries(Class<?> service, ClassLoader loader) {
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

    /** The content at {@code file}, read without the JDK's cache of open jars (which keeps them open). */
    private static java.io.InputStream uncached(URL file) throws IOException {
        java.net.URLConnection connection = file.openConnection();
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
