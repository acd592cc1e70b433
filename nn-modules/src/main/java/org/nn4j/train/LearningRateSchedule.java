package org.nn4j.train;

import java.util.Locale;

/** The learning rate of each epoch, from the base rate. */
public interface LearningRateSchedule {

    /** The rate for {@code epoch} (counting from 0) of {@code epochs}. */
    double rate(double base, int epoch, int epochs);

    /** How the schedule is written on the command line and in model files. */
    String describe();

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
            public String describe() {
                return "cosine";
            }
        };
    }

    /** The base rate times {@code gamma} for every {@code every} epochs done. */
    static LearningRateSchedule step(int every, double gamma) {
        if (every < 1 || !(gamma > 0)) {
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

    /**
     * {@code constant}, {@code cosine}, or {@code step:EVERY:GAMMA} (for example {@code step:5:0.5}).
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
        String[] parts = t.split(":");
        if (parts.length == 3 && parts[0].equals("step")) {
            try {
                return step(Integer.parseInt(parts[1]), Double.parseDouble(parts[2]));
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + text
                + "'; expected constant, cosine or step:EVERY:GAMMA (for example step:5:0.5)");
    }
}
