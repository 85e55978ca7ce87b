package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TreasuryException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts RUNNING agents. Nodes on one database share the agents through it: a node checks in every
 * {@code syncEvery}, holds the agents it runs for as long as it keeps checking in, and takes the
 * agents of a node that stopped checking in for a {@code lease} (one killed, say); it then finishes
 * the tick that node left open, under the same id, so its payments complete exactly once through
 * their journals. Only the holder ticks an agent, and the agent's row lets one tick at a time
 * through whoever runs it ({@link TickWriter}). Heartbeats fire in memory ({@link Heartbeats}):
 * the schedule follows from each agent's last tick, and follow-ups are rows until they run, so
 * nothing is lost when a node dies. The sync loop also drops agents stopped from another terminal
 * and stops the node when {@code cyberia node stop} asks.
 */
public final class RuntimeNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeNode.class);

    /**
     * @param schedulerName a name for the node's kind of work (shown in logs)
     * @param threads how many ticks run at once
     * @param lease how long a hold on an agent (and a node's check-in) lasts without renewal
     * @param syncEvery how often the node looks for launched and stopped agents
     * @param hosts which agents this node may host (all, or one for a foreground launch)
     * @param takesAny whether it takes any RUNNING agent (and splits them with the other such nodes)
     * @param shop where the node sells its agents' skills, or empty for no shop
     * @param settlement the x402 facilitator the shop hands settlement to, or empty: each agent settles itself
     * @param hostingFee what each agent pays this node's operator for its keep, or empty: hosted for free
     */
    public record Config(
            String schedulerName,
            int threads,
            Duration lease,
            Duration syncEvery,
            Predicate<String> hosts,
            boolean takesAny,
            Optional<SkillShop.Address> shop,
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement,
            Optional<HostingFee> hostingFee) {
        public Config(
                String schedulerName,
                int threads,
                Duration lease,
                Duration syncEvery,
                Predicate<String> hosts,
                boolean takesAny,
                Optional<SkillShop.Address> shop,
                java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement) {
            this(schedulerName, threads, lease, syncEvery, hosts, takesAny, shop, settlement, Optional.empty());
        }

        /** This configuration, charging each agent {@code fee} for its keep. */
        public Config withHostingFee(HostingFee fee) {
            return new Config(
                    schedulerName, threads, lease, syncEvery, hosts, takesAny, shop, settlement, Optional.of(fee));
        }

        /** A node for every RUNNING agent, its shop on 127.0.0.1:{@code shopPort} (0: any free port; -1: no shop). */
        public static Config shared(int shopPort) {
            return shared(SkillShop.Address.local(shopPort));
        }

        /** A node for every RUNNING agent, selling at {@code shop} (empty: no shop). */
        public static Config shared(Optional<SkillShop.Address> shop) {
            return new Config(
                    "cyberia",
                    4,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(2),
                    n -> true,
                    true,
                    shop,
                    java.util.Optional.empty());
        }

        /** This configuration, its shop settling sales through {@code facilitator} (the agents need no ETH for it). */
        public Config settledBy(dev.cyberia.treasury.X402Facilitator facilitator) {
            return new Config(
                    schedulerName,
                    threads,
                    lease,
                    syncEvery,
                    hosts,
                    takesAny,
                    shop,
                    java.util.Optional.of(facilitator),
                    hostingFee);
        }

        public static Config foreground(String agent, int shopPort) {
            return foreground(List.of(agent), shopPort);
        }

        /** A node of its own for these agents only, in the foreground of a command. */
        public static Config foreground(List<String> agents, int shopPort) {
            return new Config(
                    "cyberia-launch-" + String.join("-", agents),
                    Math.max(2, agents.size()),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(1),
                    Set.copyOf(agents)::contains,
                    false,
                    SkillShop.Address.local(shopPort),
                    java.util.Optional.empty());
        }
    }

    private final String id;
    private final Config config;
    private final AgentStore store;
    private final EventLog events;
    private final Clock clock;
    private final AgentRuntime runtime;
    private final Heartbeats heartbeats;
    private final ScheduledExecutorService sync;
    private final Set<String> hosted = ConcurrentHashMap.newKeySet();
    /** Unheld agents this node saw and left to others (over its share), and how many syncs running. */
    private final java.util.Map<String, Integer> unheldSeen = new ConcurrentHashMap<>();

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile SkillShop shop;
    /** Publishes offers off the sync thread: a slow chain must not delay heartbeats. */
    private final java.util.concurrent.ExecutorService market = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cyberia-market");
        t.setDaemon(true);
        return t;
    });

    /** ERC-8004: identities for the agents sold here, ratings after their purchases. */
    private final Trust trust;

    /** Miners for the OWNER agents here whose definitions mine. */
    private final Mining mining;

    private RuntimeNode(
            Config config, AgentStore store, EventLog events, AgentAssembler assembler, Ladder ladder, Clock clock) {
        this.id = ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.config = config;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.heartbeats = new Heartbeats(config.threads(), this::fire, store, clock);
        this.runtime =
                new AgentRuntime(store, events, assembler, heartbeats::followUp, ladder, config.hostingFee(), clock);
        this.trust = new Trust(store, events, runtime, market, clock);
        this.mining = new Mining(store, events, runtime, assembler, market, hosted::contains);
        this.sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cyberia-node-sync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a node on the standard ladder. */
    public static RuntimeNode start(
            Config config, AgentStore store, EventLog events, AgentAssembler assembler, Clock clock) {
        return start(config, store, events, assembler, Ladder.builtIn("standard"), clock);
    }

    /** Starts a node: registers it and begins syncing agents, moving them on {@code ladder}. */
    public static RuntimeNode start(
            Config config, AgentStore store, EventLog events, AgentAssembler assembler, Ladder ladder, Clock clock) {
        RuntimeNode node = new RuntimeNode(config, store, events, assembler, ladder, clock);
        {
            store.registerNode(node.id, ProcessHandle.current().pid(), config.takesAny(), clock.instant());
            if (config.shop().isPresent()) {
                node.shop = SkillShop.start(
                        config.shop().get(),
                        store,
                        node.runtime,
                        node.hosted::contains,
                        node::shopOfHolder,
                        clock,
                        config.settlement());
                store.setShop(node.id, node.shop.baseUri());
            }
            events.addListener(node.trust);
            events.addListener(node.mining);
            node.syncOnce();
            long every = config.syncEvery().toMillis();
            node.sync.scheduleWithFixedDelay(node::syncSafely, every, every, TimeUnit.MILLISECONDS);
            LOG.info("node {} started ({} agents)", node.id, node.hosted.size());
            return node;
        }
    }

    /** The shop of the live node that holds {@code agent} (its hold lasts the lease), if one does. */
    private Optional<String> shopOfHolder(AgentRecord agent) {
        if (agent.state() != AgentState.RUNNING || agent.host().isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.nodes().stream()
                .filter(n -> n.id().equals(agent.host().get()) && n.isAlive(now, config.lease()))
                .findFirst()
                .flatMap(AgentStore.NodeRecord::shopUrl);
    }

    public String id() {
        return id;
    }

    public AgentRuntime runtime() {
        return runtime;
    }

    /** Where this node sells its agents' skills, if it does. */
    public java.util.Optional<URI> shop() {
        return java.util.Optional.ofNullable(shop).map(SkillShop::baseUri);
    }

    /** The agents this node hosts now. */
    public Set<String> hosted() {
        return Set.copyOf(hosted);
    }

    /** Blocks until the node stops ({@code node stop}, {@link #close}, or a foreground agent stopped). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void syncSafely() {
        try {
            if (store.checkIn(id, clock.instant())) {
                LOG.info("node {} asked to stop", id);
                Thread.ofPlatform().start(this::close);
                return;
            }
            syncOnce();
        } catch (RuntimeException e) {
            LOG.warn("node sync failed: {}", e.toString());
        }
    }

    /**
     * Takes launched agents no live node holds, drops agents stopped elsewhere, and lets go of agents
     * another node took while this one did not check in (a long pause): three small queries.
     */
    private void syncOnce() {
        Instant now = clock.instant();
        if (!hosted.isEmpty()) {
            Set<String> mine = Set.copyOf(store.heldBy(id));
            for (String name : hosted) {
                if (!mine.contains(name)) {
                    LOG.warn("{} is held by another node now (this one missed its check-ins); letting it go", name);
                    hosted.remove(name);
                    heartbeats.stop(name);
                    runtime.unload(name);
                    mining.check(name);
                }
            }
        }
        List<String> free = store.runningUnheld(now, config.lease()).stream()
                .filter(n -> config.hosts().test(n) && !hosted.contains(n))
                .toList();
        unheldSeen.keySet().retainAll(free);
        int share = fairShare(now);
        if (config.takesAny() && hosted.size() > share + 1) {
            // more than its share (it started first, or others joined since): hand one back per sync,
            // one that is not ticking, so the nodes even out without a tick moving mid-way
            for (String name : hosted) {
                if (heartbeats.stopIfIdle(name)) {
                    hosted.remove(name);
                    runtime.unload(name);
                    store.release(name, id);
                    mining.check(name);
                    LOG.info("handed {} back for another node ({} held here, share {})", name, hosted.size(), share);
                    break;
                }
            }
        }
        if (!free.isEmpty()) {
            for (String name : free) {
                // up to this node's share, so that nodes split the agents; an agent nobody else took
                // for a few syncs is taken anyway (the others may be nodes for one agent each)
                boolean waited = unheldSeen.merge(name, 1, Integer::sum) > 3;
                if ((!config.takesAny() || hosted.size() < share || waited)
                        && store.hold(name, id, now, config.lease())) {
                    unheldSeen.remove(name);
                    host(store.get(name));
                }
            }
        }
        for (String name : store.heldButStopped(id)) {
            if (hosted.contains(name)) {
                drop(name);
            } else {
                store.release(name, id);
            }
        }
    }

    /** How many agents this node should hold: the RUNNING agents over the live nodes, rounded up. */
    private int fairShare(Instant now) {
        long alive = store.nodes().stream()
                .filter(n -> n.isAlive(now, config.lease()))
                .count();
        return (int) Math.ceil((double) store.runningCount() / Math.max(1, alive));
    }

    private void host(AgentRecord agent) {
        AgentDefinition definition;
        try {
            definition = runtime.load(agent).definition();
        } catch (AgentException e) {
            LOG.error("cannot load agent {}: {}", agent.name(), e.getMessage());
            store.release(agent.name(), id);
            return;
        }
        Duration interval = definition.heartbeat().multipliedBy(agent.mode().heartbeatMultiplier());
        hosted.add(agent.name());
        heartbeats.start(agent, interval);
        LOG.info("hosting {} (every {})", agent.name(), interval);
        market.submit(() -> reconcileJournal(agent.name()));
        mining.check(agent.name());
        if (shop != null && !definition.sells().isEmpty()) {
            URI base = shop.baseUri();
            market.submit(() -> publishOffers(agent.name(), base));
            trust.register(agent.name(), base);
        }
    }

    /**
     * Finishes what a crash left in the agent's journal, from the chain: transfers re-broadcast,
     * purchases booked (settled) or released (expired unused). Off the sync thread; a chain that
     * cannot be reached now is tried again at the next start or by {@code treasury reconcile}.
     */
    private void reconcileJournal(String name) {
        try {
            for (var p : runtime.load(store.get(name)).treasury().reconcilePending()) {
                LOG.info(
                        "{}: payment #{} reconciled from the chain: {}",
                        name,
                        p.id(),
                        p.state().name());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot reconcile {}'s journal now: {}", name, e.toString());
        }
    }

    /**
     * Lists the agent's sold skills in the market registry, from its own wallet (it pays the gas),
     * each an {@code OfferPublished} event; a failure is an event too, and the shop sells anyway.
     */
    private void publishOffers(String name, URI shopBase) {
        try {
            LoadedAgent agent = runtime.load(store.get(name));
            if (agent.market().isEmpty()) {
                return;
            }
            Asset token = agent.treasury().assets().get(1);
            java.util.Set<String> schemes = shop.schemes(name);
            for (AgentDefinition.Service service : agent.definition().sells()) {
                URI endpoint = shopBase.resolve("/agents/" + name + "/skills/" + service.skill());
                Amount price = Amount.parse(service.price().toPlainString(), token);
                String outcome;
                try {
                    Offer offer = agent.market()
                            .get()
                            .publish(
                                    new OfferDraft(Offer.Kind.SKILL, name + "/" + service.skill(), endpoint, price)
                                            .withSchemes(schemes),
                                    agent.treasury(),
                                    agent.signer().get());
                    outcome = "offer #" + offer.id();
                } catch (TreasuryException | AgentException e) {
                    outcome = "not published: " + e.getMessage();
                }
                events.append(
                        name,
                        null,
                        service.goal(),
                        new AgentEvent.OfferPublished(service.skill(), endpoint.toString(), price, outcome));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot publish {}'s offers: {}", name, e.toString());
        }
    }

    private void drop(String name) {
        hosted.remove(name);
        heartbeats.stop(name);
        runtime.unload(name);
        store.release(name, id);
        mining.check(name);
        LOG.info("dropped {}", name);
    }

    /**
     * One tick of a hosted agent, as its heartbeat or a follow-up asked.
     *
     * @return completes once the tick is written, with the agent's heartbeat interval after it (its
     *     survival mode may have changed it), or empty when the agent is gone from this node
     */
    private java.util.concurrent.CompletableFuture<Optional<Duration>> fire(String agent, List<String> reasons) {
        if (!hosted.contains(agent)) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
        return runtime.tickLater(agent, reasons)
                .thenApply(report -> runtime.loadedDefinition(agent)
                        .map(d -> d.heartbeat().multipliedBy(report.mode().heartbeatMultiplier())));
    }

    /** Stops the node: running ticks finish, triggers stay in the job store for the next start. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        mining.closing(); // a sync or a tick still running starts no miner now
        sync.shutdown(); // never interrupt a thread that may be writing to the database
        events.removeListener(trust);
        events.removeListener(mining);
        market.submit(() -> mining.stopAll("the node stopped"));
        market.shutdown();
        try {
            sync.awaitTermination(30, TimeUnit.SECONDS);
            market.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.close(); // running ticks finish first: they may be hiring this node's own shop
        if (shop != null) {
            shop.close();
        }
        for (String name : hosted) {
            store.release(name, id);
        }
        store.removeNode(id);
        LOG.info("node {} stopped", id);
        stopped.countDown();
    }
}
