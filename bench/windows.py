"""Timing shared by the Python references: a warm-up, then timed windows of training steps."""
import time


def samples_per_second(step, batch, warmup, windows, seconds, echo=None):
    """Runs step(i) for warmup seconds, then windows windows of seconds each; returns the median
    samples/s and every window's. echo, when given, is called with each window's rate."""
    i = 0
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        step(i)
        i += 1
    rates = []
    for _ in range(windows):
        start, done = time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            step(i)
            i += 1
            done += 1
        rates.append(done * batch / (time.perf_counter() - start))
        if echo:
            echo(rates[-1])
    return sorted(rates)[len(rates) // 2], rates
