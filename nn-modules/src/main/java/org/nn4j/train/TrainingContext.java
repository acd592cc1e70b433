package org.nn4j.train;

import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;

/**
 * What a {@link Trainer} trains and how, for its listeners: a checkpoint saves the model and the
 * optimizer's state, early stopping copies the model's best parameters.
 *
 * @param model the network being trained
 * @param loss what it minimises
 * @param optimizer what updates it (its learning rate is the schedule's of the current epoch)
 * @param config epochs, batch size, seed, patience and schedule
 * @param baseLearningRate the rate the schedule starts from, which a checkpoint records
 * @param history where the run starts: empty, or a resumed run's
 */
public record TrainingContext(Model model, Loss loss, Optimizer optimizer, TrainingConfig config,
        double baseLearningRate, TrainingHistory history) {
}
