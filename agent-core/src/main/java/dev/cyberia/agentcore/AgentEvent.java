package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import java.util.List;
import java.util.Optional;

/**
 * What an agent did, as a closed set of typed events. Stored append-only by {@link EventLog}, each
 * carrying the hash of the one before; the action log and the console are listeners of the same
 * events. Money events carry the asset, amount, counterparty and transaction hash.
 */
public sealed interface AgentEvent {

    /** The event's name in logs, e.g. "PaymentSent". */
    default String type() {
        return getClass().getSimpleName();
    }

    /** Money that left because of this event, for the budgets and burn. */
    default Optional<Amount> spent() {
        return Optional.empty();
    }

    /** Money that came in. */
    default Optional<Amount> earned() {
        return Optional.empty();
    }

    /**
     * @param resumed whether this re-runs a tick a crash left open
     * @param pendingWork why it runs besides the heartbeat (follow-ups that came due)
     */
    record TickStarted(boolean resumed, SurvivalMode mode, Amount balance, List<String> pendingWork)
            implements AgentEvent {}

    record TickFinished(String outcome, int steps, Amount spentThisTick, long millis) implements AgentEvent {}

    /** One planning step: what the planner (and its model) produced, and what it cost. */
    record Planned(String planner, String model, int promptTokens, int completionTokens, Amount price, String decision)
            implements AgentEvent {}

    record ToolCalled(int step, String tool, String arguments) implements AgentEvent {}

    /** @param outcome DONE, REFUSED, INVALID, FAILED or REPLAYED */
    record ToolResult(int step, String tool, String outcome, String result) implements AgentEvent {}

    record PaymentSent(Amount amount, String to, String transactionHash, String purpose, String state)
            implements AgentEvent {
        /** The event of a payment as the treasury returned it. */
        static PaymentSent of(dev.cyberia.treasury.Payment payment) {
            String hash = switch (payment.state()) {
                case dev.cyberia.treasury.PaymentState.Confirmed c -> c.transactionHash();
                case dev.cyberia.treasury.PaymentState.Broadcast b -> b.transactionHash();
                case dev.cyberia.treasury.PaymentState.Signed s -> s.transactionHash();
                default -> "";
            };
            return new PaymentSent(
                    payment.amount(),
                    payment.payee().toString(),
                    hash,
                    payment.purpose(),
                    payment.state().name());
        }

        @Override
        public Optional<Amount> spent() {
            return "CONFIRMED".equals(state) || "BROADCAST".equals(state) || "SIGNED".equals(state)
                    ? Optional.of(amount)
                    : Optional.empty();
        }
    }

    record PaymentReceived(Amount amount, String from, String transactionHash, String memo) implements AgentEvent {
        @Override
        public Optional<Amount> earned() {
            return Optional.of(amount);
        }
    }

    record InferenceBought(String route, String model, Amount price, String transactionHash, int tokens)
            implements AgentEvent {
        @Override
        public Optional<Amount> spent() {
            return price.isZero() ? Optional.empty() : Optional.of(price);
        }
    }

    /** A service bought over x402 (another agent's skill): the seller settled it on chain. */
    record ServiceBought(String url, String seller, Amount price, String transactionHash) implements AgentEvent {
        @Override
        public Optional<Amount> spent() {
            return Optional.of(price);
        }
    }

    /**
     * Money left for a purchase that did not deliver what was paid for (no answer, an unusable one,
     * a receipt that does not match): the evidence, recorded against the seller. The money itself
     * is booked with the purchase, and counted where it was bought.
     */
    record PurchaseDisputed(String seller, String resource, Amount price, String transactionHash, String evidence)
            implements AgentEvent {}

    record PolicyDenied(String tool, String reason) implements AgentEvent {}

    record ModeChanged(SurvivalMode from, SurvivalMode to, String reason) implements AgentEvent {}

    record StateChanged(AgentState from, AgentState to, String by) implements AgentEvent {}

    /** A goal whose loss passed its stop-loss; the agent works on it no more. */
    record GoalStopped(String goal, Amount loss, Amount stopLoss) implements AgentEvent {}

    /** A child automaton spawned and funded by this agent. */
    record ChildSpawned(String child, String address, Amount funding, String transactionHash) implements AgentEvent {}

    /**
     * The agent's offer of a sold skill in the market registry, published by the node that hosts it.
     *
     * @param outcome "offer #ID", or why it was not published
     */
    record OfferPublished(String skill, String endpoint, Amount price, String outcome) implements AgentEvent {}

    /** A move on the autonomy ladder, with the rule and the figures that decided it. */
    record TierChanged(Tier from, Tier to, String rule, String figures) implements AgentEvent {}

    /**
     * The agent's ERC-8004 identity, registered (or pointed at a new registration file) by its node.
     *
     * @param agentRegistry {@code eip155:CHAIN:IDENTITY_REGISTRY}
     * @param outcome "registered", or why not
     */
    record IdentityRegistered(long agentId, String agentRegistry, String agentURI, String outcome)
            implements AgentEvent {}

    /**
     * A rating the agent gave a seller in the ERC-8004 reputation registry after a purchase: 100
     * for a purchase served, -100 for one disputed, with the hash of a feedback file that carries the
     * x402 proof of payment (and the dispute's evidence).
     */
    record FeedbackGiven(String seller, long agentId, int value, String tag, String feedbackHash, String outcome)
            implements AgentEvent {}

    /**
     * The node began serving the agent's model as a miner (an OWNER right), and listed the offer.
     *
     * @param outcome "offer #ID", or why the offer was not listed
     */
    record MiningStarted(String model, String endpoint, Amount price, String outcome) implements AgentEvent {}

    /** The agent does not mine (now): demoted below OWNER, not yet promoted, or its miner could not start. */
    record MiningStopped(String model, String reason) implements AgentEvent {}

    /**
     * The agent's owner did not give it its allowance this period, and why (a given one is a
     * PaymentReceived "allowance from KEY").
     *
     * @param from the owner's key
     */
    record AllowanceNotGiven(Amount amount, String from, String reason) implements AgentEvent {}
}
