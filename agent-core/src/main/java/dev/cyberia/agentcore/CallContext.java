package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.Purchase;
import dev.cyberia.treasury.PurchaseOrder;
import dev.cyberia.treasury.Purchaser;
import dev.cyberia.treasury.Treasury;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a skill may use during one call. Money leaves only through {@link #pay} and
 * {@link #purchaser}, both behind the policy gate, both idempotent per tick step: a tick re-run after
 * a crash reuses the same keys, so the treasury journal returns the first payment or purchase.
 */
public final class CallContext {
    private final TickContext tick;
    private final int step;
    private final String tool;
    private int purchases;
    private static final String INFERENCE = "expenses:inference";

    CallContext(TickContext tick, int step, String tool) {
        this.tick = tick;
        this.step = step;
        this.tool = tool;
    }

    public String agentName() {
        return tick.agentName();
    }

    public String tickId() {
        return tick.tickId();
    }

    public int step() {
        return step;
    }

    /** The treasury idempotency key of this call: the same when the tick is re-run. */
    public String idempotencyKey() {
        return tick.tickId() + "/" + step;
    }

    public AgentDefinition definition() {
        return tick.definition();
    }

    /** The folder of the agent's definition file: what paths in it (a model folder) are relative to. */
    public java.nio.file.Path definitionFolder() {
        java.nio.file.Path file = tick.agent().definitionPath().toAbsolutePath();
        return file.getParent() == null ? file : file.getParent();
    }

    public Tier tier() {
        return tick.tier();
    }

    public SurvivalMode mode() {
        return tick.mode();
    }

    public Address address() {
        return tick.treasury().wallet();
    }

    public Asset token() {
        return tick.token();
    }

    /** The market registry where sellers are found, when the chain has one. */
    public Optional<MarketRegistry> market() {
        return tick.market();
    }

    /** The ERC-8004 registries (identities, reputation), when the chain has them. */
    public Optional<dev.cyberia.treasury.TrustRegistries> trust() {
        return tick.trust();
    }

    /** The agent's wallet balance of its token, on chain (what it can send now). */
    public Amount balance() {
        return tick.treasury().balance(tick.token());
    }

    public Amount etherBalance() {
        return tick.treasury().balance(Asset.ether());
    }

    /** Pays {@code to} through the gate and the treasury, booked to {@code expenses:PURPOSE}. */
    public Payment pay(Address to, Amount amount, String purpose) {
        GateDecision decision = tick.authorizeSpend(tool, Optional.of(to), amount);
        if (!(decision instanceof GateDecision.Allow)) {
            throw new SpendRefusedException(decision.reason());
        }
        return send(to, amount, "expenses:" + purpose);
    }

    /**
     * Pays through the treasury journal under this step's idempotency key, records PaymentSent and
     * charges the tick; a payment the treasury's policy denies or holds for approval is refused.
     */
    private Payment send(Address to, Amount amount, String expenseAccount) {
        Payment payment = tick.treasury()
                .pay(
                        new PaymentRequest(idempotencyKey(), to, amount, expenseAccount),
                        tick.signer().get());
        PaymentState state = payment.state();
        AgentEvent.PaymentSent sent = AgentEvent.PaymentSent.of(payment);
        tick.record(sent);
        sent.spent().ifPresent(tick::charge);
        if (state instanceof PaymentState.Denied d) {
            tick.record(new AgentEvent.PolicyDenied(tool, "treasury policy: " + d.reason()));
            throw new SpendRefusedException("the treasury's spend policy refused: " + d.reason());
        }
        if (state instanceof PaymentState.AwaitingApproval a) {
            throw new SpendRefusedException("payment #" + payment.id() + " waits for a person's approval (" + a.reason()
                    + "); see 'cyberia treasury approvals'");
        }
        return payment;
    }

    /**
     * The key of this call's next x402 purchase: {@code TICK/STEP/pN}, the same when the tick is
     * re-run after a crash, so the journal returns (or finishes) the purchase instead of paying again.
     */
    public String nextPurchaseKey() {
        return idempotencyKey() + "/p" + ++purchases;
    }

    /**
     * Buys over x402 through the treasury's one purchase path, with this agent's policy gate
     * (tier, budgets, payee allowlist, approval threshold) asked about the exact payee and price
     * before the treasury's spend policy. A dispute (money left, no usable answer) is recorded as
     * {@link AgentEvent.PurchaseDisputed}. The caller records what it bought
     * ({@link #recordInference}, {@link #recordService}).
     */
    public Purchaser purchaser() {
        Treasury treasury = tick.treasury();
        Purchaser wallet = treasury.purchaser(tick.signer().get(), (order, payee, price) -> {
            // inference may be bought from any miner (the AUTOMATON's one right to pay strangers);
            // its price still counts in every budget. Anything else pays only allowed payees.
            Optional<Address> judged = order.expenseAccount().equals(INFERENCE) ? Optional.empty() : Optional.of(payee);
            GateDecision decision = tick.authorizeSpend(tool, judged, price);
            return decision instanceof GateDecision.Allow ? Optional.empty() : Optional.of(decision.reason());
        });
        return new Purchaser() {
            @Override
            public Purchase buy(PurchaseOrder order) {
                Purchase purchase = wallet.buy(order);
                if (purchase.outcome() instanceof Purchase.Outcome.PaidNotServed lost) {
                    tick.record(new AgentEvent.PurchaseDisputed(
                            lost.seller().toString(),
                            order.resource().toString(),
                            lost.price(),
                            lost.transaction(),
                            lost.dispute()));
                }
                return purchase;
            }

            @Override
            public void dispute(Payment purchase, String evidence) {
                wallet.dispute(purchase, evidence);
                tick.record(new AgentEvent.PurchaseDisputed(
                        purchase.payee().toString(),
                        purchase.resource().orElse(""),
                        purchase.amount(),
                        purchase.state() instanceof PaymentState.Confirmed c ? c.transactionHash() : "",
                        evidence));
            }

            @Override
            public java.util.Set<dev.cyberia.keystore.Address> disputedSince(java.time.Instant since) {
                return wallet.disputedSince(since);
            }

            @Override
            public dev.cyberia.keystore.Address wallet() {
                return wallet.wallet();
            }
        };
    }

    /** Records inference bought within this call, and charges it to the tick's budget. */
    public void recordInference(String route, String model, Amount price, String transactionHash, int tokens) {
        AgentEvent.InferenceBought bought =
                new AgentEvent.InferenceBought(route, model, price, transactionHash, tokens);
        tick.record(bought);
        bought.spent().ifPresent(tick::charge);
    }

    /**
     * Spawns a child automaton and funds it with {@code funding} from this agent's treasury. Refused,
     * with nothing created, when the funding would take the balance below the reserve (the treasury
     * policy's reserve floor, or the hibernation floor, whichever is higher) or past the budgets.
     */
    public AgentRecord spawnChild(String childName, Amount funding) {
        AgentStore.requireValidName(childName);
        Amount balance = balance();
        Amount reserve = reserve();
        if (balance.minusOrZero(funding).compareTo(reserve) < 0 || balance.compareTo(funding) < 0) {
            String reason = "spawning " + childName + " with " + funding + " would leave "
                    + balance.minusOrZero(funding) + ", below the reserve of " + reserve;
            tick.record(new AgentEvent.PolicyDenied(tool, reason));
            throw new SpendRefusedException(reason);
        }
        GateDecision decision = tick.authorizeSpend(tool, Optional.empty(), funding);
        if (!(decision instanceof GateDecision.Allow)) {
            throw new SpendRefusedException(decision.reason());
        }
        AgentRecord child = tick.assembler().spawn(tick.agent(), childName);
        Payment payment = send(child.address(), funding, "expenses:children");
        if (!(payment.state() instanceof PaymentState.Confirmed confirmed)) {
            throw new SpendRefusedException("funding " + childName + " did not go through: " + payment.state());
        }
        tick.record(new AgentEvent.ChildSpawned(
                childName, child.address().toString(), funding, confirmed.transactionHash()));
        tick.store().setState(childName, AgentState.RUNNING);
        return tick.store().get(childName);
    }

    private Amount reserve() {
        Amount floor = PolicyGate.units(definition().survival().hibernateBelow(), balance());
        Amount policyFloor = tick.treasury()
                .policy()
                .limitsFor(token().symbol())
                .reserveFloor()
                .map(units -> Amount.ofBaseUnits(token(), units))
                .orElse(Amount.zero(token()));
        return floor.compareTo(policyFloor) >= 0 ? floor : policyFloor;
    }

    /** Records a service bought within this call, and charges it to the tick's budget. */
    public void recordService(String url, Address seller, Amount price, String transactionHash) {
        AgentEvent.ServiceBought bought = new AgentEvent.ServiceBought(url, seller.toString(), price, transactionHash);
        tick.record(bought);
        tick.charge(price);
    }

    public void remember(String topic, String note) {
        tick.store().remember(agentName(), topic, note, tick.now());
    }

    /** Sets the agent's next task: what its LLM planner works on in the next tick with nothing pending. */
    public void setAgenda(String task) {
        remember(TickContext.AGENDA, task);
    }

    public Optional<String> recall(String topic) {
        return tick.store().recall(agentName(), topic);
    }

    public List<String> topics() {
        return tick.store().topics(agentName());
    }

    /** Asks for an extra tick after {@code after}. */
    public void scheduleFollowUp(Duration after, String reason) {
        tick.followUps().schedule(agentName(), after, reason);
    }
}
