package dev.cyberia.planner;

import dev.cyberia.agentcore.Planner;
import dev.cyberia.planner.internal.LlmPlanner;
import dev.cyberia.planner.internal.RoutinePlanner;

/** The two planners: over a model, or the routine in the definition. */
public final class Planners {
    private Planners() {}

    /**
     * A plan–act loop over {@code model}: stops on a final answer, the definition's step cap, the
     * tick's budget, or a repeated identical tool call. Falls back to the routine in CRITICAL mode
     * when the model costs money.
     */
    public static Planner llm(PlannerModel model) {
        return new LlmPlanner(model, new RoutinePlanner());
    }

    /** Runs the definition's routine steps in order, each when its condition holds. */
    public static Planner routine() {
        return new RoutinePlanner();
    }
}
