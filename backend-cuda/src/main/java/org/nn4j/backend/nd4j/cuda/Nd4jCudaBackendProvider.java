package org.nn4j.backend.nd4j.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.nd4j.linalg.factory.Nd4j;
import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Devices;
import org.nn4j.api.Operation;
import org.nn4j.api.SettingException;
import org.nn4j.backend.nd4j.NativeVersions;
import org.nn4j.backend.nd4j.Nd4jDeviceBackend;
import org.nn4j.backend.nd4j.Nd4jOperations;
import org.nn4j.backend.nd4j.Nd4jThreads;

/**
 * Provides {@code nd4j-cuda}: ND4J on nd4j-cuda 11.6. nd4j-cuda 1.0.0-M2.1 carries kernels for
 * compute capabilities 3.7 to 8.6 and no PTX, so newer GPUs (Hopper's 9.0 and later) cannot run it.
 */
public final class Nd4jCudaBackendProvider implements BackendProvider {
    static final String NAME = "nd4j-cuda";
    static final String NATIVE_LIBRARY = "org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so";
    static final List<String> CUDA_LIBRARIES = List.of("libcudart.so.11.0", "libcublas.so.11", "libcublasLt.so.11",
            "libcusolver.so.11");
    private static final int MIN_CAPABILITY = 37;
    private static final int MAX_CAPABILITY = 86;

    private final CudaEnvironment environment;

    /** The provider ServiceLoader makes, looking at this machine's driver and GPUs. */
    public Nd4jCudaBackendProvider() {
        this(CudaEnvironment.system());
    }

    Nd4jCudaBackendProvider(CudaEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ND4J on nd4j-cuda 11.6: NVIDIA GPUs of compute capability 3.7 to 8.6";
    }

    @Override
    public Availability availability() {
        Optional<String> driver = environment.driver();
        if (driver.isEmpty()) {
            return Availability.unavailable("no NVIDIA driver (no /proc/driver/nvidia/version)");
        }
        List<CudaEnvironment.Gpu> gpus = environment.gpus();
        if (gpus.isEmpty()) {
            return Availability.unavailable("an NVIDIA driver is loaded but nvidia-smi lists no GPU");
        }
        List<CudaEnvironment.Gpu> usable = gpus.stream().filter(Nd4jCudaBackendProvider::hasKernels).toList();
        if (usable.isEmpty()) {
            return Availability.unavailable(describe(gpus) + ": nd4j-cuda 1.0.0-M2.1 has kernels for compute"
                    + " capability 3.7 to 8.6 only");
        }
        List<String> missing = new ArrayList<>();
        for (String library : CUDA_LIBRARIES) {
            if (!environment.hasLibrary(library)) {
                missing.add(library);
            }
        }
        if (!missing.isEmpty()) {
            return Availability.unavailable("CUDA 11 libraries not found: " + String.join(", ", missing)
                    + " (install CUDA 11.6 or set LD_LIBRARY_PATH)");
        }
        if (!environment.hasResource(NATIVE_LIBRARY)) {
            return Availability.unavailable("nd4j-cuda's native jar (linux-x86_64, 573 MiB) is not on the class path;"
                    + " build with 'mvn -Pcuda package'");
        }
        String mismatch = NativeVersions.mismatch(Nd4jCudaBackendProvider.class.getClassLoader());
        if (mismatch != null) {
            return Availability.unavailable(mismatch);
        }
        return Availability.available(describe(usable) + ", " + driver.get().replaceAll("\\s+", " "));
    }

    @Override
    public int priority() {
        return 30;
    }

    @Override
    public Set<Operation> nativeOperations() {
        return Nd4jOperations.DEVICE;
    }

    @Override
    public Backend create() {
        Availability availability = availability();
        if (!availability.available()) {
            throw new SettingException("backend '" + NAME + "' is unavailable: " + availability.reason());
        }
        Backend backend;
        try {
            backend = new Nd4jDeviceBackend(NAME, Nd4jThreads.threads());
        } catch (LinkageError e) {
            // ExceptionInInitializerError and UnsatisfiedLinkError among them: natives that do not load.
            throw new SettingException("backend '" + NAME + "' cannot load its native libraries: " + e, e);
        }
        Devices.requested().ifPresent(address -> useDevice(address));
        return backend;
    }

    /** Pins this thread's ND4J work to GPU {@code address}, as a scheduler (Spark, say) assigned it. */
    private static void useDevice(String address) {
        int device;
        try {
            device = Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new SettingException("GPU address '" + address + "' is not a device number");
        }
        int count = Nd4j.getAffinityManager().getNumberOfDevices();
        if (device < 0 || device >= count) {
            throw new SettingException("GPU " + device + " was assigned, but this machine has " + count + " GPU(s)");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
    }

    private static boolean hasKernels(CudaEnvironment.Gpu gpu) {
        int capability = gpu.major() * 10 + gpu.minor();
        return capability >= MIN_CAPABILITY && capability <= MAX_CAPABILITY;
    }

    private static String describe(List<CudaEnvironment.Gpu> gpus) {
        return gpus.stream().map(g -> g.name() + " (compute capability " + g.computeCapability() + ")")
                .collect(Collectors.joining(", "));
    }
}
