package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.agentcore.SurvivalMode;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routine planner over the real skills and a real anvil. */
class RoutinePlannerIT {
    static Testbed bed;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @Test
    void routine_runsStepsWhoseConditionsHold_andRaisesTheMode() throws IOException {
        String yaml = """
                purpose: Keep notes.
                routine:
                  - skill: remember
                    args: {topic: seen, note: "tick ran"}
                  - skill: wallet_balance
                    whenBalanceBelow: "1"
                  - mode: CONSERVE
                    whenBalanceBelow: "1000000"
                  - skill: recall
                    args: {topic: seen}
                """;
        try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
            var report = agent.tick();
            assertThat(report.outcome()).isEqualTo("routine: 3 of 4 steps ran");
            assertThat(report.mode()).isEqualTo(SurvivalMode.CONSERVE);
            assertThat(agent.store.recall("a", "seen")).contains("tick ran");
            assertThat(agent.eventTypes).contains("ModeChanged").doesNotContain("PolicyDenied");
            assertThat(agent.eventJson).anyMatch(j -> j.contains("\"result\":\"tick ran\""));
        }
    }

    @Test
    void routine_withAnUnknownSkill_stopsWithItsName() throws IOException {
        try (Testbed.Agent agent = bed.new Agent("purpose: x\nroutine:\n  - skill: fly\n", Planners.routine())) {
            assertThat(agent.tick().outcome()).startsWith("routine stopped at step 1: unknown tool 'fly'");
        }
    }

    @Test
    void aGoalThatLosesPastItsStopLoss_isStopped_andItsStepsNoLongerRun() throws IOException {
        String yaml = """
                purpose: Pay for a service, within reason.
                goals:
                  - {goal: Pay my friend, stopLoss: "0.3"}
                  - Keep notes
                policy:
                  payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                routine:
                  - skill: pay
                    goal: Pay my friend
                    args: {to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: "0.25", purpose: services}
                  - skill: remember
                    goal: Keep notes
                    args: {topic: t, note: n}
                """;
        var before = bed.chain.balanceOf(bed.cyb, Testbed.FRIEND);
        try (Testbed.Agent agent = bed.new Agent(yaml, Planners.routine())) {
            agent.tick(); // loses 0.25: within the stop-loss
            agent.tick(); // 0.25 ≤ 0.3 at the start, so it pays again: 0.5 lost
            var third = agent.tick(); // 0.5 > 0.3: stopped before it runs
            assertThat(third.outcome()).isEqualTo("routine: 1 of 2 steps ran");
            assertThat(agent.store.stoppedGoals("a")).containsExactly("Pay my friend");
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"GoalStopped\"") && j.contains("\"amount\":\"0.5\""));
            assertThat(agent.events.goalNet("a", "Pay my friend")).isEqualTo(-500_000);
            assertThat(bed.chain.balanceOf(bed.cyb, Testbed.FRIEND))
                    .isEqualTo(before.plus(dev.cyberia.treasury.Amount.parse("0.5", bed.cyb)));
        }
    }
}
