package dev.cyberia.agentcore;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.OutcomeUnknownException;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.Treasury;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ticks: observe (balances, income since the last tick, the survival mode) → plan → act →
 * record. A tick is opened in the database before anything happens and closed after; a tick a
 * crash left open is re-run under the same id, so its recorded steps replay and its payments reuse
 * their idempotency keys.
 */
public final class AgentRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

    private final AgentStore store;
    private final EventLog events;
    private final AgentAssembler assembler;
    private final FollowUps followUps;
    private final Clock clock;
    private final PolicyGate gate = new PolicyGate();
    /** An agent loaded here, and when its definition file was last changed then. */
    private record Loaded(LoadedAgent agent, long definitionStamp) {}

    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, Instant> climbedAt = new ConcurrentHashMap<>();
    private final Ladder ladder;
    private final QuietTicks quiet;

    /** A runtime on the standard ladder. */
    public AgentRuntime(AgentStore store, EventLog events, AgentAssembler assembler, FollowUps followUps, Clock clock) {
        this(store, events, assembler, followUps, Ladder.builtIn("standard"), clock);
    }

    public AgentRuntime(
            AgentStore store,
            EventLog events,
            AgentAssembler assembler,
            FollowUps followUps,
            Ladder ladder,
            Clock clock) {
        this(store, events, assembler, followUps, ladder, Optional.empty(), clock);
    }

    /** A runtime whose agents pay {@code hostingFee} to their host, once per period. */
    public AgentRuntime(
            AgentStore store,
            EventLog events,
            AgentAssembler assembler,
            FollowUps followUps,
            Ladder ladder,
            Optional<HostingFee> hostingFee,
            Clock clock) {
        this.hosting = hostingFee.map(HostingFees::new);
        this.allowances = new Allowances(assembler);
        this.store = store;
        this.events = events;
        this.assembler = assembler;
        this.followUps = followUps;
        this.ladder = ladder;
        this.clock = clock;
        this.quiet = new QuietTicks(store, events);
    }

    /** What its host charges each agent, when it does. */
    private final Optional<HostingFees> hosting;

    /** What owners give their agents. */
    private final Allowances allowances;

    public Ladder ladder() {
        return ladder;
    }

    /** An agent's figures over the last {@code window}, as the ladder reads them. */
    public Ladder.Figures figures(AgentRecord record, Amount balance, Duration window) {
        return figures(events, record, balance, window, clock.instant());
    }

    /** An agent's figures over the {@code window} before {@code now}, from its events. */
    public static Ladder.Figures figures(
            EventLog events, AgentRecord record, Amount balance, Duration window, Instant now) {
        Instant from = now.minus(window);
        BigInteger earned = events.salesIncomeSince(record.name(), from); // what it earned, not what it was given
        BigInteger spent = events.spentSince(record.name(), from);
        BigInteger burn = events.spentSince(record.name(), now.minus(Duration.ofDays(1)));
        Runway runway = Runway.of(balance, Amount.ofBaseUnits(balance.asset(), burn));
        BigDecimal net = new BigDecimal(earned.subtract(spent))
                .movePointLeft(balance.asset().decimals())
                .stripTrailingZeros();
        return new Ladder.Figures(
                Duration.between(record.createdAt(), now),
                net,
                events.salesSince(record.name(), from),
                events.countSince(record.name(), "PolicyDenied", from),
                runway.days());
    }

    /** Moves the agent on the ladder when a rule says so, at most once per {@code evaluateEvery}. */
    private AgentRecord climb(AgentRecord record, TickWriter writer, Amount balance) {
        Instant now = clock.instant();
        Instant last = climbedAt.get(record.name());
        if (last != null && last.plus(ladder.evaluateEvery()).isAfter(now)) {
            return record;
        }
        climbedAt.put(record.name(), now);
        Optional<Ladder.Move> move = ladder.evaluate(
                record.tier(),
                figures(record, balance, ladder.windowAbove(record.tier())),
                figures(record, balance, ladder.demote().window()));
        if (move.isEmpty()) {
            return record;
        }
        Ladder.Move m = move.get();
        writer.open();
        writer.record(null, new AgentEvent.TierChanged(m.from(), m.to(), m.rule(), m.figures()));
        store.setTier(record.name(), m.to());
        return store.get(record.name());
    }

    /** What one tick did. */
    public record TickReport(String tickId, SurvivalMode mode, String outcome, int steps, Amount spent) {}

    /** Loads (once) and returns the agent's planner, tools and treasury. */
    public LoadedAgent load(AgentRecord record) {
        long stamp = stamp(record.definitionPath());
        Loaded known = loaded.get(record.name());
        if (known != null && known.definitionStamp() == stamp) {
            return known.agent();
        }
        // first use, or its agent.yaml was edited: read again, once however many threads ask (a bad
        // edit keeps the agent as it was)
        return loaded.compute(record.name(), (name, current) -> {
                    if (current != null && current.definitionStamp() == stamp) {
                        return current;
                    }
                    try {
                        return new Loaded(
                                assembler.assemble(record, AgentDefinitions.read(record.definitionPath())), stamp);
                    } catch (RuntimeException e) {
                        if (current == null) {
                            throw e;
                        }
                        LOG.warn("{}'s edited definition is refused, it runs on as it was: {}", name, e.getMessage());
                        return new Loaded(current.agent(), stamp);
                    }
                })
                .agent();
    }

    /** When a definition file was last changed (0 when it cannot be read: the read then says why). */
    private static long stamp(java.nio.file.Path definition) {
        try {
            return java.nio.file.Files.getLastModifiedTime(definition).toMillis();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The definition of an agent already loaded here, without reading the database or the file. */
    public Optional<AgentDefinition> loadedDefinition(String name) {
        return Optional.ofNullable(loaded.get(name)).map(l -> l.agent().definition());
    }

    /** Forgets a loaded agent (it was stopped, or its definition changed). */
    public void unload(String name) {
        loaded.remove(name);
    }

    /**
     * Runs one tick of {@code name}.
     *
     * @param pendingWork why this tick runs besides the heartbeat
     * @throws OutcomeUnknownException when a payment's fate is unknown; the tick stays open and is re-run
     */
    public TickReport tick(String name, List<String> pendingWork) {
        try {
            return tickLater(name, pendingWork).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Runs one tick of {@code name} on this thread; the report comes when the tick is in the
     * database, which for a tick that only looked may be a moment later, in a commit it shares with
     * other such ticks (a node ticking many agents uses this, and waits for none of them).
     *
     * @throws OutcomeUnknownException when a payment's fate is unknown; the tick stays open and is re-run
     */
    public java.util.concurrent.CompletableFuture<TickReport> tickLater(String name, List<String> pendingWork) {
        AgentRecord record = store.get(name);
        LoadedAgent agent = load(record);
        long started = System.nanoTime();
        TickWriter writer = TickWriter.next(store, events, quiet, clock, record);
        Treasury treasury = agent.treasury();
        Asset token = treasury.assets().get(1);

        Instant now = clock.instant();
        if (!writer.resumed()) {
            allowances.give(record, agent, token, writer, now); // before the balance: a top-up can wake it
        }
        Amount balance = treasury.observedHoldings(token); // channels' deposits are the agent's money too
        Amount ether = treasury.observedBalance(Asset.ether());
        Amount income = writer.resumed() ? Amount.zero(token) : newIncome(record, treasury, token, writer);
        EventLog.Flows lastDay = events.flowsSince(name, now.minus(Duration.ofDays(1)));
        Amount burn = Amount.ofBaseUnits(token, lastDay.spent());
        Amount earned = Amount.ofBaseUnits(token, lastDay.earned());
        Observation observation = new Observation(balance, ether, income, burn, earned, List.copyOf(pendingWork));

        // how fast it runs down: what it spent over the day less what came in (an agent whose sales or
        // allowance cover its spending has no runway to watch)
        Amount netBurn = Amount.ofBaseUnits(
                token, lastDay.spent().subtract(lastDay.earned()).max(BigInteger.ZERO));
        SurvivalMode.Verdict verdict =
                SurvivalMode.of(balance, netBurn, agent.definition().survival());
        if (hosting.isPresent()) { // its host's fee first: an agent that cannot pay its keep sleeps
            Optional<String> unpaid = hosting.get().charge(name, agent, token, balance, writer, now);
            if (unpaid.isPresent()) {
                verdict = new SurvivalMode.Verdict(
                        SurvivalMode.HIBERNATE, unpaid.get() + "; it wakes when it can pay (a top-up wakes it)");
            }
        }
        if (verdict.mode() != record.mode()) {
            writer.record(null, new AgentEvent.ModeChanged(record.mode(), verdict.mode(), verdict.reason()));
            writer.setMode(verdict.mode());
        }
        writer.record(
                null, new AgentEvent.TickStarted(writer.resumed(), verdict.mode(), balance, observation.pendingWork()));
        record = climb(record, writer, balance);
        List<AgentDefinition.Goal> goals = openGoals(name, writer, agent.definition(), token);
        TickContext tick = context(record, writer, agent, observation, verdict.mode(), goals);
        String outcome;
        if (verdict.mode() == SurvivalMode.HIBERNATE) {
            outcome = "hibernating: " + verdict.reason();
        } else {
            try {
                outcome = agent.planner().plan(tick);
            } catch (OutcomeUnknownException e) {
                writer.open();
                writer.record(
                        null,
                        new AgentEvent.TickFinished(
                                "interrupted, re-run on the next heartbeat: " + e.getMessage(),
                                tick.steps(),
                                tick.spentThisTick(),
                                (System.nanoTime() - started) / 1_000_000));
                throw e;
            } catch (TickWriter.TickTakenException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("tick {} of {} failed: {}", writer.id(), name, e.toString());
                outcome = "failed: " + e.getMessage();
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        TickReport report = new TickReport(writer.id(), tick.mode(), outcome, tick.steps(), tick.spentThisTick());
        return writer.finish(new AgentEvent.TickFinished(outcome, tick.steps(), tick.spentThisTick(), millis))
                .thenApply(written -> report);
    }

    /**
     * Runs one paid call of a skill the agent sells, after the buyer's payment settled: the income
     * is a PaymentReceived event, and the call goes through the same checks, gate and record as a
     * tick's, under its own id ({@code NAME#sale-PAYMENT}).
     */
    /** A tick's context, or a sale's: the agent's record, state and tier rights on this runtime. */
    private TickContext context(
            AgentRecord record,
            TickWriter writer,
            LoadedAgent agent,
            Observation observation,
            SurvivalMode mode,
            List<AgentDefinition.Goal> goals) {
        return new TickContext(
                record,
                writer,
                agent,
                observation,
                mode,
                store,
                events,
                gate,
                followUps,
                ladder.rights(record.tier()),
                assembler,
                goals,
                clock);
    }

    /**
     * What a sold call came to: the skill's outcome, and the refund when it did not run to the end.
     *
     * @param refund the buyer's money sent back (any state, Denied included), when the outcome is not Done
     */
    public record Sale(ToolOutcome outcome, Optional<Payment> refund) {}

    /** How a sale is paid for. */
    public sealed interface SalePayment {
        /**
         * Collected on chain before the call ({@code exact}): booked already; a call that does not
         * run to the end is refunded from the agent's wallet, once per collected payment
         * ({@code refund:ID}), booked {@code expenses:refunds}.
         */
        record Collected(String transactionHash, long paymentId) implements SalePayment {}

        /**
         * A voucher on a channel, journaled and not yet charged ({@code batch-settlement}):
         * {@code charge} commits and books it when the call runs to the end, {@code release} drops
         * it otherwise, so nothing needs refunding.
         */
        record Voucher(String channelId, Runnable charge, Runnable release) implements SalePayment {}
    }

    /** Runs a call a buyer has paid for (see {@link SalePayment} for when the money is taken and given back). */
    public Sale sell(String name, ToolCall call, Amount price, String buyer, SalePayment payment) {
        AgentRecord record = store.get(name);
        LoadedAgent agent = load(record);
        String saleId = name + "#sale-"
                + switch (payment) {
                    case SalePayment.Collected c -> String.valueOf(c.paymentId());
                    case SalePayment.Voucher v -> v.channelId().substring(2, 10) + "-" + UUID.randomUUID();
                };
        Optional<AgentDefinition.Goal> goal = agent.definition().sells().stream()
                .filter(s -> s.skill().equals(call.name()) && s.goal() != null)
                .findFirst()
                .flatMap(s -> agent.definition().goals().stream()
                        .filter(g -> g.text().equals(s.goal()))
                        .findFirst());
        String goalText = goal.map(AgentDefinition.Goal::text).orElse(null);
        if (payment instanceof SalePayment.Collected c) {
            events.append(
                    name,
                    saleId,
                    goalText,
                    new AgentEvent.PaymentReceived(price, buyer, c.transactionHash(), "sold " + call.name()));
        }
        Amount zero = Amount.zero(price.asset());
        Observation observation = new Observation(
                agent.treasury().balance(price.asset()), zero, zero, zero, zero, List.of("sale of " + call.name()));
        TickContext sale = context(
                record,
                TickWriter.sale(store, events, clock, name, saleId),
                agent,
                observation,
                record.mode(),
                goal.map(List::of).orElse(List.of()));
        ToolOutcome outcome;
        try {
            outcome = sale.call(call);
        } catch (RuntimeException e) {
            if (payment instanceof SalePayment.Voucher v) {
                v.release().run();
            }
            throw e;
        }
        switch (payment) {
            case SalePayment.Voucher v -> {
                if (outcome instanceof ToolOutcome.Done) {
                    v.charge().run();
                    events.append(
                            name,
                            saleId,
                            goalText,
                            new AgentEvent.PaymentReceived(
                                    price, buyer, v.channelId(), "sold " + call.name() + " (channel voucher)"));
                } else {
                    v.release().run();
                }
                return new Sale(outcome, Optional.empty());
            }
            case SalePayment.Collected c -> {
                if (outcome instanceof ToolOutcome.Done) {
                    return new Sale(outcome, Optional.empty());
                }
                // not the buyer's loss: the money goes back, through the journal, once
                Payment refund = agent.treasury()
                        .refund(
                                c.paymentId(),
                                Address.parse(buyer),
                                price,
                                agent.signer().get());
                events.append(name, saleId, goalText, AgentEvent.PaymentSent.of(refund));
                return new Sale(outcome, Optional.of(refund));
            }
        }
    }

    /**
     * Stops every goal whose loss passed its stop-loss (a GoalStopped event, once), and returns
     * the goals still open; the tick works on the first.
     */
    private List<AgentDefinition.Goal> openGoals(
            String name, TickWriter writer, AgentDefinition definition, Asset token) {
        if (definition.goals().isEmpty()) {
            return List.of(); // nothing to read: most idle agents
        }
        java.util.Set<String> stopped = store.stoppedGoals(name);
        List<AgentDefinition.Goal> open = new java.util.ArrayList<>();
        for (AgentDefinition.Goal g : definition.goals()) {
            if (stopped.contains(g.text())) {
                continue;
            }
            if (g.stopLoss().isPresent()) {
                BigInteger net = events.goalNet(name, g.text());
                Amount loss = Amount.ofBaseUnits(token, net.negate().max(BigInteger.ZERO));
                Amount limit = PolicyGate.units(g.stopLoss().get(), loss);
                if (loss.compareTo(limit) > 0) {
                    writer.open();
                    writer.record(null, new AgentEvent.GoalStopped(g.text(), loss, limit));
                    store.stopGoal(name, g.text(), clock.instant(), "lost " + loss + ", over the stop-loss " + limit);
                    continue;
                }
            }
            open.add(g);
        }
        return open;
    }

    /** Books as PaymentReceived every inflow to the wallet since the last tick. */
    private Amount newIncome(AgentRecord record, Treasury treasury, Asset token, TickWriter writer) {
        Instant since = record.lastTickAt().orElse(record.createdAt());
        Amount total = Amount.zero(token);
        for (LedgerEntry e : treasury.ledgerAfter(since)) {
            if (e.account().equals(token.walletAccount())
                    && e.amount().signum() > 0
                    && e.paymentId() == 0
                    && (e.memo() == null
                            || !e.memo().startsWith(Allowances.MEMO) // an allowance is reported as it is given
                                    && !e.memo().equals(Treasury.CHANNEL_CLAIMS))) { // claims: sales reported already
                Amount amount = Amount.ofBaseUnits(token, e.amount());
                writer.record(null, new AgentEvent.PaymentReceived(amount, e.memo(), e.transactionHash(), e.memo()));
                total = total.plus(amount);
            }
        }
        return total;
    }
}
