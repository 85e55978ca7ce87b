package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.PaymentState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives agents their owners' allowances ({@link AgentDefinition.Allowance}) at their first tick of
 * each period: paid from the owner's key under {@code allowance:AGENT:PERIOD_START} in the owner's
 * journal (exactly once per period, wherever the agent runs; a refused attempt, which paid nothing,
 * is not tried again in that period), then booked {@code income:allowance} in the agent's own
 * books once per transaction, where the tick sees it arrive.
 */
final class Allowances {
    /** How an allowance's booking begins its memo (the tick reports it once, with its goal). */
    static final String MEMO = "allowance from ";

    private final AgentAssembler assembler;
    /** The period each agent's allowance was settled for (given or refused): the journal is read once per period. */
    private final Map<String, Instant> settledFor = new ConcurrentHashMap<>();

    Allowances(AgentAssembler assembler) {
        this.assembler = assembler;
    }

    /** Gives this period's allowance if it is due; records what happened. A failure never stops the tick. */
    void give(AgentRecord record, LoadedAgent agent, Asset token, TickWriter writer, Instant now) {
        try {
            tryGive(record, agent, token, writer, now);
        } catch (dev.cyberia.treasury.OutcomeUnknownException e) {
            // sent, its fate unknown: the journal finishes it, and the next tick looks again
        } catch (RuntimeException e) {
            agent.definition()
                    .allowance()
                    .ifPresent(a -> writer.record(
                            null,
                            new AgentEvent.AllowanceNotGiven(
                                    Amount.parse(a.amount().toPlainString(), token), a.from(), e.getMessage())));
        }
    }

    private void tryGive(AgentRecord record, LoadedAgent agent, Asset token, TickWriter writer, Instant now) {
        Optional<AgentDefinition.Allowance> allowance = agent.definition().allowance();
        if (allowance.isEmpty()) {
            return;
        }
        AgentDefinition.Allowance a = allowance.get();
        Instant period = HostingFee.periodStart(now, a.every());
        String name = record.name();
        if (period.equals(settledFor.get(name))) {
            return;
        }
        Optional<AgentAssembler.Wallet> owner = assembler.wallet(a.from());
        if (owner.isEmpty()) {
            settledFor.put(name, period);
            writer.record(
                    null,
                    new AgentEvent.AllowanceNotGiven(
                            Amount.parse(a.amount().toPlainString(), token),
                            a.from(),
                            "no key '" + a.from() + "' on this node"));
            return;
        }
        Amount amount = Amount.parse(a.amount().toPlainString(), token);
        if (owner.get().signer().address().equals(record.address())) {
            settledFor.put(name, period);
            writer.record(
                    null,
                    new AgentEvent.AllowanceNotGiven(amount, a.from(), "an agent cannot give itself an allowance"));
            return;
        }
        String key = "allowance:" + name + ":" + period;
        Payment paid = owner.get().treasury().payment(key).orElse(null);
        if (paid == null) {
            writer.open();
            paid = owner.get()
                    .treasury()
                    .pay(
                            new PaymentRequest(key, record.address(), amount, "expenses:allowance"),
                            owner.get().signer());
        } else if (paid.state() instanceof PaymentState.Confirmed && period.equals(settledFor.get(name))) {
            return;
        }
        switch (paid.state()) {
            case PaymentState.Confirmed c -> {
                settledFor.put(name, period);
                String memo = MEMO + a.from() + ", every " + human(a);
                if (agent.treasury().bookInflow(amount, "income:allowance", c.transactionHash(), memo)) {
                    writer.record(
                            a.goal(),
                            new AgentEvent.PaymentReceived(
                                    amount, owner.get().signer().address().toString(), c.transactionHash(), memo));
                }
            }
            case PaymentState.Failed f -> {
                settledFor.put(name, period);
                writer.record(null, new AgentEvent.AllowanceNotGiven(amount, a.from(), f.reason()));
            }
            case PaymentState.Denied d -> {
                settledFor.put(name, period);
                writer.record(null, new AgentEvent.AllowanceNotGiven(amount, a.from(), d.reason()));
            }
            default -> {} // on its way, or waiting for the owner's approval: looked at again next tick
        }
    }

    private static String human(AgentDefinition.Allowance a) {
        return Ladder.human(a.every()).trim();
    }
}
