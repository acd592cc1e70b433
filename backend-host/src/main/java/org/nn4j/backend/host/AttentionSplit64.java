package org.nn4j.backend.host;

import org.nn4j.api.Backend;
import org.nn4j.codegen.Wide;

/**
 * {@link Backend#attention} and {@link Backend#attentionBackward} on float64 arrays ({@link
 * SequenceKernels64}), split by examples across a pool's threads when there is enough work, each part with
 * work arrays of its own kept between calls: one reusable task, so that a call allocates nothing once it
 * has seen its sizes. {@code AttentionSplit32} is generated from this source at build time. Not thread-safe:
 * its backend holds its lock.
 */
public final class AttentionSplit64 implements WorkerPool.Task {
    /** Attention on fewer multiply-adds runs on the calling thread: a split costs tens of microseconds. */
    private static final long SPLIT_WORK = 1 << 16;

    private final WorkerPool pool;
    private final @Wide double[][] work;
    private boolean backward;
    private double[] grad;
    private double[] qkv;
    private double[] dropMask;
    private double[] probs;
    private double[] out;
    private int[] lengths;
    private int examples;
    private int steps;
    private int heads;
    private int width;

    /** Attention on the calling thread and {@code pool}'s (null: the calling thread alone). */
    public AttentionSplit64(WorkerPool pool) {
        this.pool = pool;
        this.work = new @Wide double[pool == null ? 1 : pool.parts()][0];
    }

    /**
     * {@link Backend#attention} of {@code examples} examples: {@code qkv} holds rows of {@code 3 * width}
     * values; {@code lengths} and {@code dropMask} may be null; {@code probs} and {@code context} are written.
     */
    public void forward(double[] qkv, int examples, int steps, int heads, int width, int[] lengths,
            double[] dropMask, double[] probs, double[] context) {
        set(false, null, qkv, examples, steps, heads, width, lengths, dropMask, probs, context);
        run(SequenceKernels64.attentionWork(steps, width / heads), 2L * examples * steps * steps * width);
    }

    /** {@link Backend#attentionBackward}: {@code qkvGrad} is written from {@code grad}, the context's gradient. */
    public void backward(double[] grad, double[] qkv, int examples, int steps, int heads, int width, int[] lengths,
            double[] dropMask, double[] probs, double[] qkvGrad) {
        set(true, grad, qkv, examples, steps, heads, width, lengths, dropMask, probs, qkvGrad);
        run(SequenceKernels64.attentionBackwardWork(steps, width / heads), 4L * examples * steps * steps * width);
    }

    private void set(boolean backward, double[] grad, double[] qkv, int examples, int steps, int heads, int width,
            int[] lengths, double[] dropMask, double[] probs, double[] out) {
        this.backward = backward;
        this.grad = grad;
        this.qkv = qkv;
        this.examples = examples;
        this.steps = steps;
        this.heads = heads;
        this.width = width;
        this.lengths = lengths;
        this.dropMask = dropMask;
        this.probs = probs;
        this.out = out;
    }

    private void run(int workLength, long multiplyAdds) {
        for (int i = 0; i < work.length; i++) {
            if (work[i].length < workLength) {
                work[i] = new @Wide double[workLength];
            }
        }
        try {
            if (pool == null || pool.parts() < 2 || examples < 2 || multiplyAdds < SPLIT_WORK) {
                run(0, 1);
            } else {
                pool.run(this);
            }
        } finally {
            set(false, null, null, 0, 0, 0, 0, null, null, null, null);
        }
    }

    /** Part {@code part} of {@code parts}: its share of the examples. */
    @Override
    public void run(int part, int parts) {
        int from = WorkerPool.from(part, parts, examples);
        int to = WorkerPool.from(part + 1, parts, examples);
        if (from >= to) {
            return;
        }
        if (backward) {
            SequenceKernels64.attentionBackward(grad, qkv, steps, heads, width, lengths, dropMask, probs, from, to, out,
                    work[part]);
        } else {
            SequenceKernels64.attention(qkv, steps, heads, width, lengths, dropMask, from, to, probs, out, work[part]);
        }
    }
}
