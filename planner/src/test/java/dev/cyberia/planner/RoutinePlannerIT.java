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
}
