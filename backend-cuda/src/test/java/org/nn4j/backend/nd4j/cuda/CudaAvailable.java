package org.nn4j.backend.nd4j.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nn4j.api.Availability;

/** Runs a test class only where nd4j-cuda is available, and skips it with the reason elsewhere. */
final class CudaAvailable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Availability availability = new Nd4jCudaBackendProvider().availability();
        if (availability.available()) {
            return ConditionEvaluationResult.enabled("nd4j-cuda is available: " + availability.reason());
        }
        if (context.getTestMethod().isEmpty()) {
            // Maven's summary counts skipped tests but does not say why; say it once, for the class.
            System.out.println(context.getDisplayName() + " skipped: nd4j-cuda is unavailable: " + availability.reason());
        }
        return ConditionEvaluationResult.disabled("nd4j-cuda is unavailable: " + availability.reason());
    }
}
