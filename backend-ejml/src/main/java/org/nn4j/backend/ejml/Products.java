package org.nn4j.backend.ejml;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether products run on the Vector API kernel ({@code org.nn4j.backend.ejml.vector.VectorGemm}, in
 * src/vector/java) or on EJML's: the kernel where the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (./nn does so for ejml) and {@code nn4j.ejml.vector} is not {@code false};
 * EJML's elsewhere. Both pass the conformance kit. The kernel is reached through method handles, so
 * that nothing here names a class that needs the incubator module (javadoc and the JVM without it
 * never load it).
 */
final class Products {
    /** System property that turns the Vector API kernel off ({@code false}). */
    static final String PROPERTY = "nn4j.ejml.vector";
    /** Whether this JVM has the Vector API. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final MethodHandle GEMM32;
    private static final MethodHandle GEMM64;
    private static final MethodHandle SHAPE;

    static {
        MethodHandle gemm32 = null;
        MethodHandle gemm64 = null;
        MethodHandle shape = null;
        if (AVAILABLE) {
            try {
                Class<?> kernel = Class.forName("org.nn4j.backend.ejml.vector.VectorGemm");
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                gemm32 = lookup.findStatic(kernel, "gemm", MethodType.methodType(void.class, boolean.class,
                        int.class, int.class, int.class, float.class, float[].class, int.class, int.class,
                        float[].class, int.class, int.class, float.class, float[].class, int.class, int.class));
                gemm64 = lookup.findStatic(kernel, "gemm", MethodType.methodType(void.class, boolean.class,
                        int.class, int.class, int.class, double.class, double[].class, int.class, int.class,
                        double[].class, int.class, int.class, double.class, double[].class, int.class, int.class));
                shape = lookup.findStatic(kernel, "shape", MethodType.methodType(String.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        GEMM32 = gemm32;
        GEMM64 = gemm64;
        SHAPE = shape;
    }

    private Products() {
    }

    /** Whether a backend made without saying runs products on the kernel. */
    static boolean enabled() {
        return AVAILABLE && !"false".equals(System.getProperty(PROPERTY));
    }

    /** What products run on, for {@code nn backends}. */
    static String description() {
        return enabled() ? "products on the Vector API (" + shape() + ")"
                : "products on EJML (start Java with --add-modules jdk.incubator.vector for the Vector API kernel)";
    }

    private static String shape() {
        try {
            return (String) SHAPE.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code out} (row-major {@code cols x rows}) = the transpose of {@code b} ({@code rows x cols}). */
    static void transpose(double[] b, int rows, int cols, double[] out) {
        for (int j = 0; j < rows; j++) {
            int row = j * cols;
            for (int p = 0; p < cols; p++) {
                out[p * rows + j] = b[row + p];
            }
        }
    }

    /** As {@link #transpose(double[], int, int, double[])}, float32. */
    static void transpose(float[] b, int rows, int cols, float[] out) {
        for (int j = 0; j < rows; j++) {
            int row = j * cols;
            for (int p = 0; p < cols; p++) {
                out[p * rows + j] = b[row + p];
            }
        }
    }

    /** {@code rows} rows of C from {@code cOff}: alpha op(A) panel + beta C, A's band from {@code aOff}. */
    static void gemm(boolean tA, int rows, int cols, int k, double alpha, EjmlMatrix a, int aOff, Object panel,
            double beta, EjmlMatrix c, int cOff) {
        try {
            if (c.f64 != null) {
                GEMM64.invokeExact(tA, rows, cols, k, alpha, a.f64.data, aOff, a.cols(), (double[]) panel, 0, cols,
                        beta, c.f64.data, cOff, cols);
            } else {
                GEMM32.invokeExact(tA, rows, cols, k, (float) alpha, a.f32.data, aOff, a.cols(), (float[]) panel, 0,
                        cols, (float) beta, c.f32.data, cOff, cols);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
