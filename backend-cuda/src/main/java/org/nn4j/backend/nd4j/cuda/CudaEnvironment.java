package org.nn4j.backend.nd4j.cuda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What this machine offers nd4j-cuda, found by reading files and asking {@code nvidia-smi} and
 * {@code ldconfig}: nothing here loads a native library, so nothing here can crash the JVM.
 */
interface CudaEnvironment {

    /** A GPU as {@code nvidia-smi} names it. */
    record Gpu(String name, int major, int minor) {
        String computeCapability() {
            return major + "." + minor;
        }
    }

    /** The NVIDIA kernel driver's version line, if a driver is loaded. */
    Optional<String> driver();

    /** The GPUs the driver sees (empty when it cannot be asked). */
    List<Gpu> gpus();

    /** Whether a shared library of this exact file name can be found by the dynamic loader. */
    boolean hasLibrary(String fileName);

    /** Whether a class-path resource exists. */
    boolean hasResource(String name);

    /** This machine, as it is. */
    static CudaEnvironment system() {
        return new SystemCudaEnvironment();
    }

    final class SystemCudaEnvironment implements CudaEnvironment {
        private static final Path DRIVER_VERSION = Path.of("/proc/driver/nvidia/version");
        private List<String> loaderCache;

        @Override
        public Optional<String> driver() {
            try {
                return Files.readAllLines(DRIVER_VERSION).stream().findFirst().map(String::trim);
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public List<Gpu> gpus() {
            List<Gpu> gpus = new ArrayList<>();
            for (String line : run("nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader")) {
                int comma = line.lastIndexOf(',');
                String[] capability = comma < 0 ? new String[0] : line.substring(comma + 1).trim().split("\\.");
                if (capability.length == 2) {
                    try {
                        gpus.add(new Gpu(line.substring(0, comma).trim(), Integer.parseInt(capability[0]),
                                Integer.parseInt(capability[1])));
                    } catch (NumberFormatException e) {
                        // A line that is not a GPU (a warning, say) is skipped.
                    }
                }
            }
            return gpus;
        }

        @Override
        public boolean hasLibrary(String fileName) {
            String paths = System.getenv("LD_LIBRARY_PATH");
            if (paths != null) {
                for (String dir : paths.split(":")) {
                    if (!dir.isEmpty() && Files.exists(Path.of(dir, fileName))) {
                        return true;
                    }
                }
            }
            for (String dir : List.of("/usr/local/cuda/lib64", "/usr/local/cuda-11.6/lib64")) {
                if (Files.exists(Path.of(dir, fileName))) {
                    return true;
                }
            }
            if (loaderCache == null) {
                loaderCache = run("ldconfig", "-p");
                if (loaderCache.isEmpty()) {
                    loaderCache = run("/sbin/ldconfig", "-p");
                }
            }
            return loaderCache.stream().anyMatch(line -> line.trim().startsWith(fileName + " "));
        }

        @Override
        public boolean hasResource(String name) {
            return CudaEnvironment.class.getClassLoader().getResource(name) != null;
        }

        /** The output lines of a short command; none when it is missing, fails or hangs. */
        private static List<String> run(String... command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                List<String> lines = new ArrayList<>();
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                }
                if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    return List.of();
                }
                return lines;
            } catch (IOException e) {
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }
}
