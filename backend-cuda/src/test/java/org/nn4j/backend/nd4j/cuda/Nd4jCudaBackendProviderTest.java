package org.nn4j.backend.nd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nn4j.api.Availability;
import org.nn4j.api.Operation;
import org.nn4j.api.SettingException;
import org.nn4j.backend.nd4j.Nd4jOperations;

/** Each thing nd4j-cuda needs, missing in turn, gives its own one-line reason. */
class Nd4jCudaBackendProviderTest {
    private static final String DRIVER = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05";
    private static final CudaEnvironment.Gpu A100 = new CudaEnvironment.Gpu("NVIDIA A100-SXM4-40GB", 8, 0);
    private static final CudaEnvironment.Gpu H100 = new CudaEnvironment.Gpu("NVIDIA H100 80GB HBM3", 9, 0);

    private record Fake(Optional<String> driver, List<Gpu> gpus, Set<String> libraries, boolean natives)
            implements CudaEnvironment {
        @Override
        public boolean hasLibrary(String fileName) {
            return libraries.contains(fileName);
        }

        @Override
        public boolean hasResource(String name) {
            return natives && name.equals(Nd4jCudaBackendProvider.NATIVE_LIBRARY);
        }
    }

    private static final Set<String> ALL_LIBRARIES = Set.copyOf(Nd4jCudaBackendProvider.CUDA_LIBRARIES);

    private static Availability availability(Fake environment) {
        return new Nd4jCudaBackendProvider(environment).availability();
    }

    @Test
    void reportsTheDevicePathsOperationsWithoutLoadingNd4j() {
        Set<Operation> natives = new Nd4jCudaBackendProvider(new Fake(Optional.empty(), List.of(), Set.of(), false))
                .nativeOperations();
        assertEquals(Nd4jOperations.DEVICE, natives);
        assertFalse(natives.contains(Operation.SUM));
        assertTrue(natives.contains(Operation.CONV2D));
    }

    @Test
    void noDriver() {
        Availability a = availability(new Fake(Optional.empty(), List.of(), Set.of(), false));
        assertFalse(a.available());
        assertEquals("no NVIDIA driver (no /proc/driver/nvidia/version)", a.reason());
    }

    @Test
    void aDriverButNoGpu() {
        Availability a = availability(new Fake(Optional.of(DRIVER), List.of(), ALL_LIBRARIES, true));
        assertEquals("an NVIDIA driver is loaded but nvidia-smi lists no GPU", a.reason());
    }

    @Test
    void aGpuTooNewForItsKernels() {
        Availability a = availability(new Fake(Optional.of(DRIVER), List.of(H100), ALL_LIBRARIES, true));
        assertFalse(a.available());
        assertEquals("NVIDIA H100 80GB HBM3 (compute capability 9.0): nd4j-cuda 1.0.0-M2.1 has kernels for compute"
                + " capability 3.7 to 8.6 only", a.reason());
    }

    @Test
    void missingCudaLibrariesAreNamed() {
        Availability a = availability(new Fake(Optional.of(DRIVER), List.of(A100), Set.of("libcudart.so.11.0"), true));
        assertEquals("CUDA 11 libraries not found: libcublas.so.11, libcublasLt.so.11, libcusolver.so.11"
                + " (install CUDA 11.6 or set LD_LIBRARY_PATH)", a.reason());
    }

    @Test
    void theNativeJarIsMissing() {
        Availability a = availability(new Fake(Optional.of(DRIVER), List.of(A100), ALL_LIBRARIES, false));
        assertTrue(a.reason().startsWith("nd4j-cuda's native jar (linux-x86_64, 573 MiB) is not on the class path"),
                a.reason());
    }

    @Test
    void everythingInPlace() {
        Availability a = availability(new Fake(Optional.of(DRIVER), List.of(H100, A100), ALL_LIBRARIES, true));
        assertTrue(a.available());
        assertTrue(a.reason().startsWith("NVIDIA A100-SXM4-40GB (compute capability 8.0), NVRM version"), a.reason());
    }

    @Test
    void creatingAnUnavailableBackendSaysWhy() {
        Nd4jCudaBackendProvider provider = new Nd4jCudaBackendProvider(
                new Fake(Optional.empty(), List.of(), Set.of(), false));
        SettingException error = assertThrows(SettingException.class, provider::create);
        assertEquals("backend 'nd4j-cuda' is unavailable: no NVIDIA driver (no /proc/driver/nvidia/version)",
                error.getMessage());
    }

    @Test
    void thisMachineGetsAOneLineAnswerWithoutLoadingAnything() {
        Availability a = new Nd4jCudaBackendProvider().availability();
        assertFalse(a.reason().isBlank());
        assertEquals(1, a.reason().lines().count(), a.reason());
    }
}
