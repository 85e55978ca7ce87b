package dev.cyberia.agentcore;

import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TreasuryException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in mining, an OWNER's right: for each agent it hosts whose definition {@code
 * mines}, it serves the model while the agent is an OWNER (through the assembler's miner, paid into
 * the agent's treasury and signed with its key), lists the offer in the market from the agent's
 * wallet, and tells each answer sold as a paid job of the agent; when the agent is demoted, stopped
 * or leaves this node, the offer is withdrawn and the miner stopped, and an event says why. Chain
 * work runs on the node's market thread.
 */
final class Mining implements EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(Mining.class);

    private final AgentStore store;
    private final EventLog events;
    private final AgentRuntime runtime;
    private final AgentAssembler assembler;
    private final ExecutorService work;
    private final Predicate<String> hostedHere;

    /** A miner this node runs for an agent, and its offer in the market. */
    private record Running(AgentMiner miner, Optional<Long> offerId, LoadedAgent agent) {}

    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Agents already told why they do not mine yet (once per node, not every tick). */
    private final Set<String> told = ConcurrentHashMap.newKeySet();

    Mining(
            AgentStore store,
            EventLog events,
            AgentRuntime runtime,
            AgentAssembler assembler,
            ExecutorService work,
            Predicate<String> hostedHere) {
        this.store = store;
        this.events = events;
        this.runtime = runtime;
        this.assembler = assembler;
        this.work = work;
        this.hostedHere = hostedHere;
    }

    /** Set when the node stops: no miner starts after that. */
    private volatile boolean closing;

    /** Mines for the agent if it may now, stops if it may not; off the caller's thread. */
    void check(String name) {
        check(name, Optional.empty());
    }

    /**
     * {@link #check(String)} knowing the agent's tier now: a TierChanged event is announced as it is
     * written, before the agent's row says so.
     */
    private void check(String name, Optional<Tier> tierNow) {
        if (closing) {
            return;
        }
        try {
            work.submit(() -> {
                try {
                    reconcile(name, tierNow);
                } catch (RuntimeException e) {
                    LOG.warn("mining for {}: {}", name, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the node is stopping: its miners are stopped there
        }
    }

    @Override
    public void onEvent(RecordedEvent recorded) {
        if (recorded.event() instanceof AgentEvent.TierChanged changed) {
            check(recorded.agent(), Optional.of(changed.to()));
        }
    }

    private void reconcile(String name, Optional<Tier> tierNow) {
        AgentRecord record = store.find(name).orElse(null);
        boolean here = record != null && record.state() == AgentState.RUNNING && hostedHere.test(name);
        Optional<AgentDefinition.Mines> mines =
                here ? runtime.load(record).definition().mines() : Optional.empty();
        Running now = running.get(name);
        if (mines.isEmpty()) {
            if (now != null) {
                stop(
                        name,
                        now,
                        here
                                ? "its definition no longer mines"
                                : record == null || record.state() != AgentState.RUNNING
                                        ? "the agent was stopped"
                                        : "it moved to another node");
            }
            return;
        }
        Tier tier = tierNow.orElse(record.tier());
        if (tier != Tier.OWNER) {
            if (now != null) {
                stop(name, now, "demoted to " + tier + ": mining is an OWNER's right");
            } else if (told.add(name)) {
                events.append(
                        name,
                        null,
                        new AgentEvent.MiningStopped(
                                modelOf(mines.get()),
                                "mining is an OWNER's right; " + name + " is " + tier + ": it mines once promoted"));
            }
            return;
        }
        if (now == null && !closing) {
            start(record, mines.get());
        }
    }

    private void start(AgentRecord record, AgentDefinition.Mines mines) {
        String name = record.name();
        LoadedAgent agent = runtime.load(record);
        Optional<AgentMiner> started;
        try {
            started = assembler.startMining(
                    record,
                    agent,
                    mines,
                    (price, buyer, transaction, payment) -> events.append(
                            name,
                            name + "#sale-mined-" + payment,
                            null,
                            new AgentEvent.PaymentReceived(
                                    price, buyer, transaction, "sold an answer of " + modelOf(mines))));
        } catch (RuntimeException e) {
            told.remove(name);
            events.append(name, null, new AgentEvent.MiningStopped(modelOf(mines), "cannot serve: " + e.getMessage()));
            return;
        }
        if (started.isEmpty()) {
            events.append(name, null, new AgentEvent.MiningStopped(modelOf(mines), "this node serves no models"));
            return;
        }
        AgentMiner miner = started.get();
        Optional<Long> offerId = Optional.empty();
        String outcome = "not listed: no market registry";
        if (agent.market().isPresent()) {
            try {
                Offer offer = agent.market()
                        .get()
                        .publish(
                                new OfferDraft(Offer.Kind.INFERENCE, miner.model(), miner.endpoint(), miner.price())
                                        .withSchemes(miner.schemes()),
                                agent.treasury(),
                                agent.signer().get());
                offerId = Optional.of(offer.id());
                outcome = "offer #" + offer.id();
            } catch (TreasuryException | AgentException e) {
                outcome = "not listed: " + e.getMessage();
            }
        }
        running.put(name, new Running(miner, offerId, agent));
        told.remove(name);
        events.append(
                name,
                null,
                new AgentEvent.MiningStarted(miner.model(), miner.endpoint().toString(), miner.price(), outcome));
    }

    private void stop(String name, Running now, String why) {
        running.remove(name);
        String withdrawn = "";
        if (now.offerId().isPresent()) {
            try {
                LoadedAgent agent = now.agent();
                agent.market()
                        .orElseThrow()
                        .withdraw(
                                now.offerId().get(),
                                agent.treasury(),
                                agent.signer().get());
                withdrawn = "; offer #" + now.offerId().get() + " withdrawn";
            } catch (RuntimeException e) {
                withdrawn = "; offer #" + now.offerId().get() + " not withdrawn: " + e.getMessage();
            }
        }
        now.miner().close();
        events.append(name, null, new AgentEvent.MiningStopped(now.miner().model(), why + withdrawn));
    }

    /** No miner starts from now on (the node is stopping). */
    void closing() {
        closing = true;
    }

    /** Stops every miner of this node, on the caller's thread (the node is stopping). */
    void stopAll(String why) {
        closing = true;
        for (String name : Set.copyOf(running.keySet())) {
            Running now = running.get(name);
            if (now != null) {
                try {
                    stop(name, now, why);
                } catch (RuntimeException e) {
                    LOG.warn("stopping {}'s miner: {}", name, e.toString());
                }
            }
        }
    }

    private static String modelOf(AgentDefinition.Mines mines) {
        if (mines.modelName() != null) {
            return mines.modelName();
        }
        return mines.model() != null
                ? java.nio.file.Path.of(mines.model()).getFileName().toString()
                : mines.upstream().toString();
    }
}
