package dev.cyberia.planner.internal;

import dev.cyberia.agentcore.AgentDefinition.RoutineStep;
import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.Planner;
import dev.cyberia.agentcore.TickContext;
import dev.cyberia.agentcore.ToolCall;
import dev.cyberia.agentcore.ToolOutcome;
import dev.cyberia.treasury.Amount;
import java.math.BigDecimal;
import java.util.List;

/** The planner of agents without a model: the definition's steps, in order, each when its condition holds. */
public final class RoutinePlanner implements Planner {
    @Override
    public String plan(TickContext tick) {
        List<RoutineStep> steps = tick.definition().routine();
        Amount balance = tick.observation().balance();
        int ran = 0;
        for (int i = 0; i < steps.size(); i++) {
            RoutineStep step = steps.get(i);
            if (step.whenBalanceBelow() != null && balance.compareTo(units(step.whenBalanceBelow(), balance)) >= 0) {
                continue;
            }
            if (step.whenBalanceAtLeast() != null && balance.compareTo(units(step.whenBalanceAtLeast(), balance)) < 0) {
                continue;
            }
            if (step.goal() != null && !tick.focus(step.goal())) {
                continue; // its goal was stopped
            }
            ran++;
            if (step.mode() != null) {
                tick.record(planned("step " + (i + 1) + ": mode " + step.mode(), balance));
                tick.raiseMode(step.mode(), "routine step " + (i + 1) + " with balance " + balance);
                continue;
            }
            tick.record(planned("step " + (i + 1) + ": " + step.skill() + " " + step.argumentsJson(), balance));
            ToolOutcome outcome = tick.call(new ToolCall("routine-" + (i + 1), step.skill(), step.argumentsJson()));
            if (outcome instanceof ToolOutcome.Invalid invalid) {
                return "routine stopped at step " + (i + 1) + ": " + invalid.error();
            }
        }
        return "routine: " + ran + " of " + steps.size() + " steps ran";
    }

    private static AgentEvent.Planned planned(String decision, Amount like) {
        return new AgentEvent.Planned("routine", "", 0, 0, Amount.zero(like.asset()), decision);
    }

    private static Amount units(BigDecimal units, Amount like) {
        return Amount.parse(units.toPlainString(), like.asset());
    }
}
