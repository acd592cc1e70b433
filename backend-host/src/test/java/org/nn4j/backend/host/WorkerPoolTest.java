package org.nn4j.backend.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    /** Adds its part number plus one to each item of its share: every item once, by the part that owns it. */
    private static final class Fill implements WorkerPool.Task {
        final int[] items;

        Fill(int count) {
            items = new int[count];
        }

        @Override
        public void run(int part, int parts) {
            for (int i = WorkerPool.from(part, parts, items.length); i < WorkerPool.from(part + 1, parts,
                    items.length); i++) {
                items[i] += part + 1;
            }
        }
    }

    @Test
    void everyItemIsDoneOnceByTheContiguousShareOfOnePart() {
        WorkerPool pool = new WorkerPool("test", 3);
        Fill fill = new Fill(10);
        pool.run(fill);
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3}, fill.items);
        for (int round = 0; round < 1000; round++) {
            pool.run(fill);
        }
        assertEquals(1001 * (3 * 1 + 3 * 2 + 4 * 3), Arrays.stream(fill.items).sum());
    }

    @Test
    void splitHandsEveryItemToOneRangeAndRunsSmallCountsOnTheCaller() {
        WorkerPool pool = new WorkerPool("test", 3);
        int[] visits = new int[11];
        pool.split(visits.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                visits[i]++;
            }
        });
        int[] once = new int[visits.length];
        Arrays.fill(once, 1);
        assertArrayEquals(once, visits);
        Thread[] ran = new Thread[1];
        pool.split(1, (from, to) -> ran[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ran[0], "one item runs on the caller");
    }

    @Test
    void aPoolNeedsAPart() {
        assertEquals("a worker pool needs at least one part, not 0",
                assertThrows(IllegalArgumentException.class, () -> new WorkerPool("test", 0)).getMessage());
    }

    @Test
    void aPoolOfOnePartRunsOnTheCaller() {
        WorkerPool pool = new WorkerPool("test", 1);
        Thread[] ranOn = new Thread[1];
        pool.run((part, parts) -> ranOn[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
        assertEquals(0, pool.liveWorkers());
    }

    @Test
    void aFailingPartIsRethrownToTheCaller() {
        WorkerPool pool = new WorkerPool("test", 2);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> pool.run((part, parts) -> {
            if (part == 1) {
                throw new IllegalStateException("part 1 failed");
            }
        }));
        assertEquals("part 1 failed", error.getMessage());
        Fill fill = new Fill(4);
        pool.run(fill);
        assertArrayEquals(new int[] {1, 1, 2, 2}, fill.items);
    }

    @Test
    void runningATaskAllocatesNothing() {
        WorkerPool pool = new WorkerPool("test", 2);
        Fill fill = new Fill(64);
        int runs = 20_000;
        for (int i = 0; i < runs; i++) {
            pool.run(fill);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < runs; i++) {
            pool.run(fill);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < runs, allocated + " bytes allocated by " + runs + " runs");
    }

    @Test
    void idleWorkersEndAndTheNextTaskStartsThemAgain() throws InterruptedException {
        WorkerPool pool = new WorkerPool("test", 3);
        assertEquals(0, pool.liveWorkers());
        pool.run(new Fill(8));
        assertEquals(2, pool.liveWorkers());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pool.liveWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, pool.liveWorkers());
        Fill fill = new Fill(6);
        pool.run(fill);
        assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3}, fill.items);
    }
}
