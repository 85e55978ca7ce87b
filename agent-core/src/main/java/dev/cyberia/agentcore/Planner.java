package dev.cyberia.agentcore;

/** Decides and acts within one tick: the LLM planner or the routine planner. */
public interface Planner {
    /**
     * Plans and acts through {@link TickContext#call}, until done or out of steps or budget.
     *
     * @return one line on how the tick ended, e.g. "final answer" or "step cap 6 reached"
     */
    String plan(TickContext tick);
}
