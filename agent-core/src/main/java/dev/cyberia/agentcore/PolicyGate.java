package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The deterministic check in front of every tool call with side effects and every spend. It reads
 * only the agent's tier, mode and definition and the money figures; nothing a model says can widen
 * it. The treasury's own spend policy still applies after it.
 */
public final class PolicyGate {

    /** Before a tool runs: tier rights, survival mode, approval flag. */
    public GateDecision beforeCall(Tier tier, SurvivalMode mode, ToolDescriptor tool) {
        if (!tier.atLeast(tool.minTier())) {
            return new GateDecision.Deny(
                    "'" + tool.name() + "' needs tier " + tool.minTier() + "; this agent is " + tier);
        }
        if (tool.sideEffect() != SideEffect.NONE) {
            if (mode == SurvivalMode.HIBERNATE) {
                return new GateDecision.Deny("hibernating: no spending or outside calls until funds arrive");
            }
            if (mode == SurvivalMode.CRITICAL && !tool.earns()) {
                return new GateDecision.Deny("critical runway: only work that earns may run");
            }
        }
        if (tool.approvalRequired()) {
            return new GateDecision.NeedsApproval("'" + tool.name() + "' needs a person's approval");
        }
        return new GateDecision.Allow("tier " + tier + ", mode " + mode);
    }

    /**
     * Before money leaves: payee allowlist, per-tick and per-day budgets, approval threshold.
     *
     * @param payee who is paid, when known before paying (empty for an x402 purchase capped by price)
     * @param rights the agent's tier rights: their per-tick and per-day limits cap the
     *     definition's budgets, and a tier that pays listed payees only needs a list
     * @param spentThisTick what the tick has spent so far
     * @param spentLastDay what the agent spent in the last 24 hours
     */
    public GateDecision beforeSpend(
            AgentDefinition definition,
            Tier tier,
            Ladder.Rights rights,
            SurvivalMode mode,
            Optional<Address> payee,
            Amount amount,
            Amount spentThisTick,
            Amount spentLastDay) {
        if (mode == SurvivalMode.HIBERNATE) {
            return new GateDecision.Deny("hibernating: no spending until funds arrive");
        }
        List<Address> allowed = definition.policy().payeeAddresses();
        if (payee.isPresent() && !allowed.isEmpty() && !allowed.contains(payee.get())) {
            return new GateDecision.Deny(payee.get() + " is not on the agent's payee allowlist");
        }
        if (payee.isPresent() && rights.listedPayeesOnly() && allowed.isEmpty()) {
            return new GateDecision.Deny("an agent at tier " + tier + " pays only the payees its definition lists"
                    + " (policy.payees), and it lists none");
        }
        Amount perTick = units(definition.budgets().perTick().min(rights.maxPerTick()), amount);
        if (spentThisTick.plus(amount).compareTo(perTick) > 0) {
            return new GateDecision.Deny("over the tick budget: " + amount + " asked, "
                    + perTick.minusOrZero(spentThisTick) + " left of " + perTick);
        }
        Amount perDay = units(definition.budgets().perDay().min(rights.maxPerDay()), amount);
        if (spentLastDay.plus(amount).compareTo(perDay) > 0) {
            return new GateDecision.Deny("over the daily budget: " + amount + " asked, "
                    + perDay.minusOrZero(spentLastDay) + " left of " + perDay + " per 24 hours");
        }
        Optional<BigDecimal> threshold = definition.policy().approvalThreshold();
        if (threshold.isPresent() && amount.compareTo(units(threshold.get(), amount)) > 0) {
            return new GateDecision.NeedsApproval(amount + " is above the approval threshold "
                    + threshold.get().toPlainString());
        }
        return new GateDecision.Allow("within budgets");
    }

    static Amount units(BigDecimal units, Amount like) {
        return Amount.ofBaseUnits(like.asset(), SurvivalMode.toBaseUnits(units, like));
    }
}
