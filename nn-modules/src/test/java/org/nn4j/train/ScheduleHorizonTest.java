package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Which schedules span the run's epochs, so that a resume with another total would change their rates. */
class ScheduleHorizonTest {
    @Test
    void cosinesDependOnTheTotalConstantAndStepDoNot() {
        for (String s : new String[] {"cosine", "cosine-steps", "warmup:10:cosine", "warmup:10:cosine-steps"}) {
            assertEquals(true, LearningRateSchedule.parse(s).dependsOnTotal(), s);
        }
        for (String s : new String[] {"constant", "step:2:0.5", "warmup:10:constant", "warmup:10:step:3:0.1"}) {
            assertEquals(false, LearningRateSchedule.parse(s).dependsOnTotal(), s);
            // And so their rates are those of any longer run.
            LearningRateSchedule schedule = LearningRateSchedule.parse(s);
            for (int epoch = 0; epoch < 5; epoch++) {
                assertEquals(schedule.rateAtStep(0.1, epoch * 7L, 5 * 7L, epoch, 5),
                        schedule.rateAtStep(0.1, epoch * 7L, 9 * 7L, epoch, 9), s);
            }
        }
    }

    @Test
    void aStepScheduleNeedsAFiniteFactor() {
        assertEquals("a step schedule needs a period of at least 1 epoch and a positive factor, not step:2:Infinity",
                assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step:2:1e999"))
                        .getMessage());
    }
}
