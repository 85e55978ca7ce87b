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
 * Charges each agent its host's fee at its first tick of each period, exactly once per period: the
 * payment is journaled under {@code hosting:AGENT:PERIOD_START} (a refused attempt, which paid
 * nothing, is tried again under {@code #1}, {@code #2}…), so a re-run or another node of the
 * cluster finds it instead of paying again. Nothing is attempted while the balance is below the
 * fee. An unpaid fee puts the agent to sleep ({@link SurvivalMode#HIBERNATE}) until it can pay.
 */
final class HostingFees {
    private static final int MAX_ATTEMPTS = 100;

    private final HostingFee fee;
    /** The period each agent has paid for, so a tick reads the journal only once per period. */
    private final Map<String, Instant> paidFor = new ConcurrentHashMap<>();

    HostingFees(HostingFee fee) {
        this.fee = fee;
    }

    /**
     * Pays this period's fee for the agent if it is not paid yet.
     *
     * @return empty when paid (or being paid), else why it is not
     */
    Optional<String> charge(
            String name, LoadedAgent agent, Asset token, Amount balance, TickWriter writer, Instant now) {
        Instant period = fee.periodStart(now);
        if (period.equals(paidFor.get(name))) {
            return Optional.empty();
        }
        Amount amount = Amount.parse(fee.amount().toPlainString(), token);
        String base = "hosting:" + name + ":" + period;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String key = attempt == 0 ? base : base + "#" + attempt;
            Optional<Payment> earlier = agent.treasury().payment(key);
            if (earlier.isPresent()) {
                if (earlier.get().state() instanceof PaymentState.AwaitingApproval) {
                    return Optional.of("its host's fee waits for a person's approval (payment #"
                            + earlier.get().id() + ")");
                }
                if (refused(earlier.get())) {
                    continue; // nothing was paid: try again under the next key
                }
                return settled(name, period, earlier.get());
            }
            if (balance.compareTo(amount) < 0) {
                return Optional.of("its balance " + balance + " is below its host's fee of " + fee);
            }
            writer.open();
            Payment paid = agent.treasury()
                    .pay(
                            new PaymentRequest(key, fee.operator(), amount, "expenses:hosting"),
                            agent.signer().get());
            writer.record(null, AgentEvent.PaymentSent.of(paid));
            if (paid.state() instanceof PaymentState.AwaitingApproval) {
                return Optional.of("its host's fee waits for a person's approval (payment #" + paid.id() + ")");
            }
            if (refused(paid)) {
                return Optional.of("its host's fee of " + fee + " was refused: " + reasonOf(paid));
            }
            return settled(name, period, paid);
        }
        return Optional.of("its host's fee was refused " + MAX_ATTEMPTS + " times this period");
    }

    private Optional<String> settled(String name, Instant period, Payment payment) {
        if (payment.state() instanceof PaymentState.Confirmed) {
            paidFor.put(name, period);
        }
        return Optional.empty(); // confirmed, or on its way: the journal finishes it
    }

    private static boolean refused(Payment p) {
        return p.state() instanceof PaymentState.Failed || p.state() instanceof PaymentState.Denied;
    }

    private static String reasonOf(Payment p) {
        return switch (p.state()) {
            case PaymentState.Failed f -> f.reason();
            case PaymentState.Denied d -> d.reason();
            default -> p.state().name();
        };
    }
}
