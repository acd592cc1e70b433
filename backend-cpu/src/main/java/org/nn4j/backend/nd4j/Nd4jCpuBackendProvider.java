package org.nn4j.backend.nd4j;

import java.util.Set;
import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Operation;
import org.nn4j.api.SettingException;

/** Provides {@code nd4j-cpu}: ND4J on nd4j-native. */
public final class Nd4jCpuBackendProvider implements BackendProvider {
    static final String NAME = "nd4j-cpu";
    private static final String NATIVE_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    /** Set by ./nn beside OPENBLAS_CORETYPE when ./nn chose the kernels, saying why. */
    static final String KERNEL_CHOICE = "NN4J_OPENBLAS_CHOICE";
    private static final String NATIVE_LIBRARY = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ND4J on nd4j-native: native CPU kernels with OpenBLAS";
    }

    @Override
    public Availability availability() {
        // Only looks: loading ND4J here would pin this JVM to one ND4J backend.
        ClassLoader loader = Nd4jCpuBackendProvider.class.getClassLoader();
        if (loader.getResource(NATIVE_BACKEND.replace('.', '/') + ".class") == null) {
            return Availability.unavailable("nd4j-native is not on the class path (add org.nd4j:nd4j-native;"
                    + " ./nn does so for --backend nd4j-cpu)");
        }
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!platform.equals("Linux/amd64")) {
            return Availability.unavailable("nd4j-native is bundled for linux-x86_64 only, not " + platform);
        }
        if (loader.getResource(NATIVE_LIBRARY) == null) {
            return Availability.unavailable("nd4j-native's linux-x86_64 libraries are not on the class path");
        }
        String mismatch = NativeVersions.mismatch(loader);
        if (mismatch != null) {
            return Availability.unavailable(mismatch);
        }
        int threads = Nd4jThreads.threads();
        return Availability.available("nd4j-native 1.0.0-M2.1 for linux-x86_64; OpenBLAS 0.3.31 kernels: "
                + openBlasKernels() + "; threads: " + threads + " (products and host loops split " + threads
                + " ways, one OpenBLAS thread each), " + Nd4jThreads.elementWise(threads) + " for ND4J's own ops; "
                + DirectLoops.description(DirectLoops.enabled()));
    }

    /** Which kernels OpenBLAS will use, and who chose them. */
    static String openBlasKernels() {
        String coreType = System.getenv("OPENBLAS_CORETYPE");
        if (coreType == null || coreType.isBlank()) {
            return "OpenBLAS's own choice for this CPU";
        }
        String chosenBy = System.getenv(KERNEL_CHOICE);
        return coreType + " (" + (chosenBy == null || chosenBy.isBlank() ? "from OPENBLAS_CORETYPE" : chosenBy) + ")";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Set<Operation> nativeOperations() {
        return Nd4jOperations.HOST;
    }

    @Override
    public Backend create() {
        Availability availability = availability();
        if (!availability.available()) {
            throw new SettingException("backend '" + NAME + "' is unavailable: " + availability.reason());
        }
        try {
            return new Nd4jHostBackend(NAME, Nd4jThreads.threads());
        } catch (LinkageError e) {
            // ExceptionInInitializerError and UnsatisfiedLinkError among them: natives that do not load.
            throw new SettingException("backend '" + NAME + "' cannot load its native libraries: " + e, e);
        }
    }
}
