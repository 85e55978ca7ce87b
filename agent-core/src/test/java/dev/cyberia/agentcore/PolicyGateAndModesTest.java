package dev.cyberia.agentcore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyGateAndModesTest {
    static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    static final Address ALLOWED = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    static final Address STRANGER = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    static final Ladder.Rights NO_TIER_LIMITS =
            new Ladder.Rights(new java.math.BigDecimal("1000000"), new java.math.BigDecimal("1000000"), false);
    final PolicyGate gate = new PolicyGate();
    final AgentDefinition definition = AgentDefinitions.parse("""
            purpose: test
            budgets: {perTick: "1", perDay: "3"}
            policy:
              payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
              approvalAbove: "0.8"
            """, "t");

    static Amount cyb(String units) {
        return Amount.parse(units, CYB);
    }

    static ToolDescriptor tool(SideEffect effect, Tier minTier, boolean approval, boolean earns) {
        return new ToolDescriptor("t", "", List.of(), effect, minTier, approval, earns);
    }

    @Test
    void beforeCall_toolAboveTheAgentsTier_isDenied() {
        GateDecision d =
                gate.beforeCall(Tier.AUTOMATON, SurvivalMode.NORMAL, tool(SideEffect.NONE, Tier.OWNER, false, false));
        assertThat(d).isInstanceOf(GateDecision.Deny.class);
        assertThat(d.reason()).contains("needs tier OWNER");
    }

    @Test
    void beforeCall_hibernating_deniesAnythingWithSideEffects_butNotReads() {
        assertThat(gate.beforeCall(
                        Tier.OWNER, SurvivalMode.HIBERNATE, tool(SideEffect.EXTERNAL, Tier.AUTOMATON, false, true)))
                .isInstanceOf(GateDecision.Deny.class);
        assertThat(gate.beforeCall(
                        Tier.OWNER, SurvivalMode.HIBERNATE, tool(SideEffect.NONE, Tier.AUTOMATON, false, false)))
                .isInstanceOf(GateDecision.Allow.class);
    }

    @Test
    void beforeCall_critical_allowsOnlyWorkThatEarns() {
        assertThat(gate.beforeCall(
                        Tier.AGENT, SurvivalMode.CRITICAL, tool(SideEffect.MOVES_MONEY, Tier.AUTOMATON, false, false)))
                .isInstanceOf(GateDecision.Deny.class);
        assertThat(gate.beforeCall(
                        Tier.AGENT, SurvivalMode.CRITICAL, tool(SideEffect.EXTERNAL, Tier.AUTOMATON, false, true)))
                .isInstanceOf(GateDecision.Allow.class);
    }

    @Test
    void beforeCall_approvalRequired_needsAPerson() {
        assertThat(gate.beforeCall(
                        Tier.OWNER, SurvivalMode.NORMAL, tool(SideEffect.EXTERNAL, Tier.AUTOMATON, true, false)))
                .isInstanceOf(GateDecision.NeedsApproval.class);
    }

    @Test
    void beforeSpend_payeeOffTheAllowlist_isDenied() {
        GateDecision d = gate.beforeSpend(
                definition,
                Tier.OWNER,
                NO_TIER_LIMITS,
                SurvivalMode.NORMAL,
                Optional.of(STRANGER),
                cyb("0.1"),
                cyb("0"),
                cyb("0"));
        assertThat(d).isInstanceOf(GateDecision.Deny.class);
        assertThat(d.reason()).contains("not on the agent's payee allowlist");
    }

    @Test
    void beforeSpend_overTheTickBudget_isDeniedWithWhatIsLeft() {
        GateDecision d = gate.beforeSpend(
                definition,
                Tier.OWNER,
                NO_TIER_LIMITS,
                SurvivalMode.NORMAL,
                Optional.of(ALLOWED),
                cyb("0.5"),
                cyb("0.6"),
                cyb("0.6"));
        assertThat(d).isInstanceOf(GateDecision.Deny.class);
        assertThat(d.reason()).contains("over the tick budget").contains("0.4 CYB left of 1 CYB");
    }

    @Test
    void beforeSpend_overTheDailyBudget_isDenied() {
        GateDecision d = gate.beforeSpend(
                definition,
                Tier.OWNER,
                NO_TIER_LIMITS,
                SurvivalMode.NORMAL,
                Optional.of(ALLOWED),
                cyb("0.5"),
                cyb("0"),
                cyb("2.9"));
        assertThat(d).isInstanceOf(GateDecision.Deny.class);
        assertThat(d.reason()).contains("over the daily budget");
    }

    @Test
    void beforeSpend_aboveTheApprovalThreshold_needsAPerson_andWithinEverything_isAllowed() {
        assertThat(gate.beforeSpend(
                        definition,
                        Tier.OWNER,
                        NO_TIER_LIMITS,
                        SurvivalMode.NORMAL,
                        Optional.of(ALLOWED),
                        cyb("0.9"),
                        cyb("0"),
                        cyb("0")))
                .isInstanceOf(GateDecision.NeedsApproval.class);
        assertThat(gate.beforeSpend(
                        definition,
                        Tier.OWNER,
                        NO_TIER_LIMITS,
                        SurvivalMode.NORMAL,
                        Optional.of(ALLOWED),
                        cyb("0.8"),
                        cyb("0"),
                        cyb("0")))
                .isInstanceOf(GateDecision.Allow.class);
    }

    @Test
    void survivalMode_followsRunway() {
        AgentDefinition.Survival s = new AgentDefinition.Survival(new java.math.BigDecimal("0.1"), 1, 7);
        assertThat(SurvivalMode.of(cyb("0.05"), cyb("0"), s).mode()).isEqualTo(SurvivalMode.HIBERNATE);
        assertThat(SurvivalMode.of(cyb("5"), cyb("0"), s).mode()).isEqualTo(SurvivalMode.NORMAL);
        assertThat(SurvivalMode.of(cyb("5"), cyb("10"), s).mode()).isEqualTo(SurvivalMode.CRITICAL);
        assertThat(SurvivalMode.of(cyb("30"), cyb("10"), s).mode()).isEqualTo(SurvivalMode.CONSERVE);
        SurvivalMode.Verdict normal = SurvivalMode.of(cyb("100"), cyb("10"), s);
        assertThat(normal.mode()).isEqualTo(SurvivalMode.NORMAL);
        assertThat(normal.reason()).contains("runway 10.00 days");
    }
}
