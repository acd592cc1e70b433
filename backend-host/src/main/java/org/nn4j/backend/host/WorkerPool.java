package org.nn4j.backend.host;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Daemon threads that run one {@link Task} split into parts, the calling thread taking part 0, for
 * host loops too large for one core. Unlike an executor, running a task allocates nothing, so that a
 * training step stays free of garbage. Workers start with the first task and end after a second
 * without one, so that an unused pool holds no threads. One task at a time, from one thread at a time
 * (a backend's thread); a task must not run the pool again.
 */
public final class WorkerPool {

    /** Work that splits into parts: part {@code part} of {@code parts} does its share. */
    public interface Task {
        /** Does part {@code part} (from 0) of {@code parts}. */
        void run(int part, int parts);
    }

    /**
     * How long a thread spins, waiting, before it parks: waking a parked thread takes tens of
     * microseconds, about what the gap between two tasks of a training step lasts.
     */
    private static final long SPIN_NANOS = 50_000;
    /** How long a worker waits for a task before it ends. */
    private static final long IDLE_NANOS = 1_000_000_000;

    private final String name;
    /** The live workers, by part minus one; a slot is null until started and after its worker ends. */
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    /** Counts the tasks; changes only under this pool's lock, so a worker can end without missing one. */
    private volatile long generation;
    private volatile Task task;
    private volatile Thread caller;
    private volatile Throwable failure;

    /** A pool that splits work {@code parts} ways: {@code parts - 1} worker threads and the caller. */
    public WorkerPool(String name, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one part, not " + parts);
        }
        this.name = name;
        this.workers = new Thread[parts - 1];
    }

    /** How many parts each task is split into. */
    public int parts() {
        return workers.length + 1;
    }

    /** Runs every part of {@code work} and returns when all are done; rethrows a part's failure. */
    public void run(Task work) {
        if (workers.length == 0) {
            work.run(0, 1);
            return;
        }
        task = work;
        caller = Thread.currentThread();
        failure = null;
        pending.set(workers.length);
        synchronized (this) {
            for (int i = 0; i < workers.length; i++) {
                if (workers[i] == null) {
                    start(i + 1, generation);
                }
            }
            generation++;
        }
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        try {
            work.run(0, parts());
        } finally {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (pending.get() != 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            task = null;
        }
        Throwable failed = failure;
        if (failed instanceof RuntimeException) {
            throw (RuntimeException) failed;
        }
        if (failed instanceof Error) {
            throw (Error) failed;
        }
    }

    /** Work on items {@code from .. to} of a range that {@link #split} cuts into parts. */
    public interface Range {
        /** Does items {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    /**
     * Runs {@code range} over {@code count} items: on the calling thread alone when there is one item
     * or one part, else cut into this pool's parts, as {@link #run} runs them.
     */
    public void split(int count, Range range) {
        if (count < 2 || parts() < 2) {
            range.run(0, count);
            return;
        }
        run((part, parts) -> range.run(from(part, parts, count), from(part + 1, parts, count)));
    }

    /** The first of {@code count} items that part {@code part} of {@code parts} takes; part + 1 gives the end. */
    public static int from(int part, int parts, int count) {
        return (int) ((long) count * part / parts);
    }

    /** How many worker threads are running now. */
    public synchronized int liveWorkers() {
        int live = 0;
        for (Thread worker : workers) {
            live += worker != null ? 1 : 0;
        }
        return live;
    }

    private void start(int part, long seen) {
        Thread worker = new Thread(() -> work(part, seen), name + "-" + part);
        worker.setDaemon(true);
        workers[part - 1] = worker;
        worker.start();
    }

    /** Runs part {@code part} of every task after the one numbered {@code seen}; ends when idle. */
    private void work(int part, long seen) {
        while (true) {
            long waitStart = System.nanoTime();
            while (generation == seen) {
                long waited = System.nanoTime() - waitStart;
                if (waited < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (waited < IDLE_NANOS) {
                    LockSupport.parkNanos(this, IDLE_NANOS - waited);
                } else {
                    synchronized (this) {
                        if (generation == seen) {
                            workers[part - 1] = null;
                            return;
                        }
                    }
                }
            }
            seen = generation;
            try {
                task.run(part, parts());
            } catch (Throwable e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }
}
