package org.nn4j.distributed;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.nn4j.api.Availability;
import org.nn4j.api.Backend;
import org.nn4j.api.BackendProvider;
import org.nn4j.api.Backends;

/**
 * A test backend, {@code failing-once}: ejml, except that the first attempt of a task fails in the
 * middle of its {@link #FAIL_AT_GEMM}-th matrix product, once per test run, as a lost executor would.
 */
public final class FailingOnceBackendProvider implements BackendProvider {
    static final String NAME = "failing-once";
    static final int FAIL_AT_GEMM = 40;
    static final AtomicInteger GEMMS = new AtomicInteger();
    static final AtomicInteger FAILURES = new AtomicInteger();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ejml that fails one task once (tests only)";
    }

    @Override
    public Availability availability() {
        return Availability.available("tests only");
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Backend create() {
        Backend ejml = Backends.select("ejml");
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    TaskContext task = TaskContext.get();
                    if (method.getName().equals("gemm") && task != null && task.attemptNumber() == 0
                            && GEMMS.incrementAndGet() == FAIL_AT_GEMM) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("injected failure: the executor is lost");
                    }
                    try {
                        return method.invoke(ejml, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
