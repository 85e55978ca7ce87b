package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentDefinitionsTest {

    @Test
    void parse_fullDefinition_readsEveryPart() {
        AgentDefinition d = AgentDefinitions.parse("""
                purpose: Sell summaries.
                goals: [earn, save]
                tier: agent
                heartbeat: 90s
                skills: [com.example.Summaries]
                sells:
                  - {skill: summarize, price: "0.05"}
                inference:
                  miner: http://127.0.0.1:8402
                  maxPrice: "0.02"
                  maxSteps: 3
                budgets: {perTick: "0.5", perDay: "4"}
                policy:
                  payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                  httpHosts: [127.0.0.1]
                  approvalAbove: "2"
                survival: {hibernateBelow: "0.1", criticalDays: 2, conserveDays: 5}
                routine:
                  - skill: wallet_balance
                  - mode: CONSERVE
                    whenBalanceBelow: "3"
                """, "agent.yaml");
        assertThat(d.tier()).isEqualTo(Tier.AGENT);
        assertThat(d.heartbeat()).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.sells().get(0).price()).isEqualByComparingTo("0.05");
        assertThat(d.inference().orElseThrow().conservePrice()).isEqualByComparingTo("0.01");
        assertThat(d.inference().orElseThrow().maxSteps()).isEqualTo(3);
        assertThat(d.policy().payeeAddresses()).hasSize(1);
        assertThat(d.survival().criticalDays()).isEqualTo(2);
        assertThat(d.routine().get(1).mode()).isEqualTo(SurvivalMode.CONSERVE);
        assertThat(d.routine().get(1).whenBalanceBelow()).isEqualByComparingTo(new BigDecimal("3"));
    }

    @Test
    void verify_withoutAModel_reRunsAtASecondMiner_whichOnlyTheMarketCanGive() {
        AgentDefinition d = AgentDefinitions.parse("""
                purpose: Buy checked answers.
                inference: {market: true, verify: {share: "0.2"}}
                """, "agent.yaml");
        AgentDefinition.Inference.Verify verify =
                d.inference().orElseThrow().verify().orElseThrow();
        assertThat(verify.ownModel()).isEmpty();
        assertThat(verify.share()).isEqualByComparingTo("0.2");
        assertThatThrownBy(() -> AgentDefinitions.parse("""
                        purpose: Buy checked answers.
                        inference: {miner: "http://127.0.0.1:8402", verify: {share: "0.2"}}
                        """, "agent.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("second miner found in the market: set 'market: true'");
    }

    @Test
    void parse_minimalDefinition_appliesDefaults() {
        AgentDefinition d = AgentDefinitions.parse("purpose: Watch.\n", "agent.yaml");
        assertThat(d.tier()).isEqualTo(Tier.AUTOMATON);
        assertThat(d.heartbeat()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.inference()).isEmpty();
        assertThat(d.budgets().perTick()).isEqualByComparingTo("1");
    }

    @Test
    void parse_brokenYaml_namesLineAndColumn() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: Watch.\ngoals: [a, b\nheartbeat: 1m\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageStartingWith("a.yaml line 3, column");
    }

    @Test
    void parse_unknownField_namesItWithLineAndColumn() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: Watch.\nheartbeet: 1m\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("a.yaml line 2, column 1")
                .hasMessageContaining("unknown field 'heartbeet'");
    }

    @Test
    void parse_badDuration_saysHowToWriteOne() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: Watch.\nheartbeat: soon\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void parse_badPayeeAddress_isRefusedWithItsLine() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: Pay.\npolicy:\n  payees: [\"0x1234\"]\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("a.yaml line");
    }

    @Test
    void parse_missingPurpose_saysItIsRequired() {
        assertThatThrownBy(() -> AgentDefinitions.parse("heartbeat: 1m\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("'purpose' is required");
    }

    @Test
    void parse_negativeBudget_isRefused() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: x\nbudgets: {perTick: \"-1\"}\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("'perTick' must be an amount of 0 or more");
    }

    @Test
    void parse_routineStepWithSkillAndMode_isRefused() {
        assertThatThrownBy(() ->
                        AgentDefinitions.parse("purpose: x\nroutine:\n  - {skill: pay, mode: CONSERVE}\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("either 'skill' or 'mode'");
    }

    @Test
    void parse_minerThatIsNotHttp_isRefused() {
        assertThatThrownBy(() -> AgentDefinitions.parse("purpose: x\ninference: {miner: \"ftp://x\"}\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("'miner' must be an http(s) URL");
    }

    @Test
    void parse_goals_asTextOrWithAStopLoss_andStepsNameThem() {
        AgentDefinition d = AgentDefinitions.parse("""
                purpose: x
                goals:
                  - Keep notes
                  - {goal: Pay my friend, stopLoss: "0.3"}
                sells: [{skill: shout, price: "0.05", goal: Keep notes}]
                routine:
                  - {skill: pay, goal: Pay my friend}
                """, "a.yaml");
        assertThat(d.goals()).extracting(AgentDefinition.Goal::text).containsExactly("Keep notes", "Pay my friend");
        assertThat(d.goals().get(1).stopLoss())
                .hasValueSatisfying(l -> assertThat(l).isEqualByComparingTo("0.3"));
        assertThat(d.routine().get(0).goal()).isEqualTo("Pay my friend");
    }

    @Test
    void parse_aStepNamingAnUnknownGoal_orAGoalWithAnUnknownField_isRefused() {
        assertThatThrownBy(() -> AgentDefinitions.parse(
                        "purpose: x\ngoals: [a]\nroutine:\n  - {skill: pay, goal: b}\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("routine step goal 'b' is not one of the goals");
        assertThatThrownBy(
                        () -> AgentDefinitions.parse("purpose: x\ngoals:\n  - {goal: a, stoploss: \"1\"}\n", "a.yaml"))
                .isInstanceOf(InvalidAgentInputException.class)
                .hasMessageContaining("a.yaml line 3")
                .hasMessageContaining("unknown field 'stoploss' in a goal");
    }
}
