package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LadderTest {
    final Ladder standard = Ladder.builtIn("standard");

    static Ladder.Figures figures(Duration age, String net, int jobs, int violations, String runway) {
        return new Ladder.Figures(
                age,
                new BigDecimal(net),
                jobs,
                violations,
                Optional.ofNullable(runway).map(BigDecimal::new));
    }

    @Test
    void automaton_meetingEveryCondition_isPromotedToAgent_withTheRuleAndFigures() {
        Ladder.Figures good = figures(Duration.ofDays(2), "3.5", 12, 0, null);
        Optional<Ladder.Move> move = standard.evaluate(Tier.AUTOMATON, good, good);
        assertThat(move).isPresent();
        assertThat(move.get().to()).isEqualTo(Tier.AGENT);
        assertThat(move.get().rule()).startsWith("promote to AGENT: ✓ age");
        assertThat(move.get().figures()).contains("net income 3.5").contains("paid jobs 12");
    }

    @Test
    void automaton_missingOneCondition_staysPut_andProgressSaysWhich() {
        Ladder.Figures young = figures(Duration.ofHours(3), "3.5", 12, 0, "40");
        assertThat(standard.evaluate(Tier.AUTOMATON, young, young)).isEmpty();
        Ladder.Progress progress = standard.progressFrom(Tier.AUTOMATON, young).orElseThrow();
        assertThat(progress.toward()).isEqualTo(Tier.AGENT);
        assertThat(progress.ready()).isFalse();
        assertThat(progress.conditions()).anyMatch(c -> c.startsWith("✗ age 3h ≥ 1d"));
        assertThat(progress.conditions()).anyMatch(c -> c.startsWith("✓ paid jobs 12"));
    }

    @Test
    void agent_withTooManyViolations_isDemoted_evenWhenEarning() {
        Ladder.Figures rich = figures(Duration.ofDays(30), "100", 500, 0, null);
        Ladder.Figures unruly = figures(Duration.ofDays(30), "100", 500, 6, null);
        Ladder.Move move = standard.evaluate(Tier.AGENT, rich, unruly).orElseThrow();
        assertThat(move.to()).isEqualTo(Tier.AUTOMATON);
        assertThat(move.rule()).contains("more than 5 policy violations");
    }

    @Test
    void owner_isTheTop_andAutomaton_isNeverDemoted() {
        Ladder.Figures any = figures(Duration.ofDays(300), "1000", 5000, 0, null);
        assertThat(standard.progressFrom(Tier.OWNER, any)).isEmpty();
        Ladder.Figures unruly = figures(Duration.ZERO, "0", 0, 99, "0");
        assertThat(standard.evaluate(Tier.AUTOMATON, unruly, unruly)).isEmpty();
    }

    @Test
    void tierRights_capSpending_andAutomatonsPayListedPayeesOnly() {
        assertThat(standard.rights(Tier.AUTOMATON).listedPayeesOnly()).isTrue();
        assertThat(standard.rights(Tier.AGENT).maxPerDay()).isEqualByComparingTo("20");
    }

    @Test
    void aBrokenPolicyFile_namesLineAndColumn() {
        assertThatThrownBy(() -> Ladder.parse("tiers:\n  AUTOMATON: {maxPerTick: \"1\"}\n", "ladder.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageStartingWith("ladder.yaml line");
        assertThatThrownBy(() -> Ladder.builtIn("nope")).hasMessageContaining("no built-in ladder 'nope'");
    }
}
