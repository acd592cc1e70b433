package org.nn4j.train;

import java.util.Locale;

/**
 * The learning rate of each epoch, or of each step (batch) where {@link #perStep} says so, from the
 * base rate.
 */
public interface LearningRateSchedule {

    /** The rate for {@code epoch} (counting from 0) of {@code epochs}. */
    double rate(double base, int epoch, int epochs);

    /**
     * The rate for step {@code step} (counting from 0 over every batch of every epoch) of {@code steps}
     * in all, in epoch {@code epoch} of {@code epochs}; by default the epoch's rate.
     */
    default double rateAtStep(double base, long step, long steps, int epoch, int epochs) {
        return rate(base, epoch, epochs);
    }

    /** Whether the rate changes within an epoch, so that the trainer sets it before every step. */
    default boolean perStep() {
        return false;
    }

    /**
     * Whether the rates depend on the number of epochs in all (a cosine's do: it spans them), so
     * that a run resumed with another total does not go on as the uninterrupted run would have.
     */
    default boolean dependsOnTotal() {
        return false;
    }

    /** How the schedule is written on the command line and in model files. */
    String describe();

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return new LearningRateSchedule() {
            @Override
            public double rate(double base, int epoch, int epochs) {
                return base;
            }

            @Override
            public String describe() {
                return "constant";
            }
        };
    }

    /** Half a cosine from the base rate down to zero over all epochs. */
    static LearningRateSchedule cosine() {
        return new LearningRateSchedule() {
            @Override
            public double rate(double base, int epoch, int epochs) {
                return base * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
            }

            @Override
            public boolean dependsOnTotal() {
                return true;
            }

            @Override
            public String describe() {
                return "cosine";
            }
        };
    }

    /** The base rate times {@code gamma} for every {@code every} epochs done. */
    static LearningRateSchedule step(int every, double gamma) {
        if (every < 1 || !(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("a step schedule needs a period of at least 1 epoch and a positive"
                    + " factor, not step:" + every + ":" + gamma);
        }
        return new LearningRateSchedule() {
            @Override
            public double rate(double base, int epoch, int epochs) {
                return base * Math.pow(gamma, epoch / every);
            }

            @Override
            public String describe() {
                return "step:" + every + ":" + gamma;
            }
        };
    }

    /** Half a cosine from the base rate down to zero over all steps, changing at every step. */
    static LearningRateSchedule cosineSteps() {
        return new LearningRateSchedule() {
            @Override
            public double rate(double base, int epoch, int epochs) {
                return base * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
            }

            @Override
            public double rateAtStep(double base, long step, long steps, int epoch, int epochs) {
                return base * 0.5 * (1 + Math.cos(Math.PI * step / steps));
            }

            @Override
            public boolean perStep() {
                return true;
            }

            @Override
            public boolean dependsOnTotal() {
                return true;
            }

            @Override
            public String describe() {
                return "cosine-steps";
            }
        };
    }

    /**
     * A linear warm-up over the first {@code steps} steps, from {@code base / steps} to the base rate,
     * then {@code then} (counted from the run's start, as PyTorch's schedulers chained after a warm-up
     * are not).
     */
    static LearningRateSchedule warmup(int steps, LearningRateSchedule then) {
        if (steps < 1) {
            throw new IllegalArgumentException("a warm-up needs at least 1 step, not warmup:" + steps);
        }
        java.util.Objects.requireNonNull(then, "then");
        return new LearningRateSchedule() {
            @Override
            public double rate(double base, int epoch, int epochs) {
                return then.rate(base, epoch, epochs);
            }

            @Override
            public double rateAtStep(double base, long step, long total, int epoch, int epochs) {
                return step < steps ? base * (step + 1) / steps : then.rateAtStep(base, step, total, epoch, epochs);
            }

            @Override
            public boolean perStep() {
                return true;
            }

            @Override
            public boolean dependsOnTotal() {
                return then.dependsOnTotal();
            }

            @Override
            public String describe() {
                return "warmup:" + steps + ":" + then.describe();
            }
        };
    }

    /**
     * {@code constant}, {@code cosine}, {@code cosine-steps}, {@code step:EVERY:GAMMA} (for example
     * {@code step:5:0.5}), or any of them after a warm-up of N steps: {@code warmup:N:SCHEDULE} (for
     * example {@code warmup:500:cosine-steps}).
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    static LearningRateSchedule parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("constant")) {
            return constant();
        }
        if (t.equals("cosine")) {
            return cosine();
        }
        if (t.equals("cosine-steps")) {
            return cosineSteps();
        }
        if (t.startsWith("warmup:") && t.indexOf(':', 7) > 7) {
            int end = t.indexOf(':', 7);
            try {
                return warmup(Integer.parseInt(t.substring(7, end)), parse(t.substring(end + 1)));
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        String[] parts = t.split(":");
        if (parts.length == 3 && parts[0].equals("step")) {
            try {
                return step(Integer.parseInt(parts[1]), Double.parseDouble(parts[2]));
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + text
                + "'; expected constant, cosine, cosine-steps, step:EVERY:GAMMA (for example step:5:0.5), or"
                + " warmup:STEPS:SCHEDULE (for example warmup:500:cosine-steps)");
    }
}
