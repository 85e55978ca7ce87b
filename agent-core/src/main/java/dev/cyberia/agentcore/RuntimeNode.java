package dev.cyberia.agentcore;

import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.TreasuryException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts RUNNING agents. Each agent's heartbeat is a Quartz trigger in a clustered JDBC job store on
 * the same database as the agents and the treasury, so a restarted node resumes every agent where
 * it was, and several nodes on one PostgreSQL database would share the agents. A sync loop checks
 * the node in, takes agents that were launched, drops agents that were stopped from another
 * terminal, and stops the node when {@code cyberia node stop} asks.
 */
public final class RuntimeNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeNode.class);
    private static final String GROUP = "agents";

    /**
     * @param schedulerName Quartz's scheduler name: nodes with the same name share their agents
     * @param threads how many ticks run at once
     * @param lease how long a hold on an agent (and a node's check-in) lasts without renewal
     * @param syncEvery how often the node looks for launched and stopped agents
     * @param hosts which agents this node may host (all, or one for a foreground launch)
     * @param shopPort where the node sells its agents' skills on 127.0.0.1 (0: any free port), or -1 for no shop
     * @param settlement the x402 facilitator the shop hands settlement to, or empty: each agent settles itself
     */
    public record Config(
            String schedulerName,
            int threads,
            Duration lease,
            Duration syncEvery,
            Predicate<String> hosts,
            int shopPort,
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement) {
        public static Config shared(int shopPort) {
            return new Config(
                    "cyberia",
                    4,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(2),
                    n -> true,
                    shopPort,
                    java.util.Optional.empty());
        }

        /** This configuration, its shop settling sales through {@code facilitator} (the agents need no ETH for it). */
        public Config settledBy(dev.cyberia.treasury.X402Facilitator facilitator) {
            return new Config(
                    schedulerName, threads, lease, syncEvery, hosts, shopPort, java.util.Optional.of(facilitator));
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
                    shopPort,
                    java.util.Optional.empty());
        }
    }

    private final String id;
    private final Config config;
    private final AgentStore store;
    private final EventLog events;
    private final Clock clock;
    private final AgentRuntime runtime;
    private final Scheduler scheduler;
    private final ScheduledExecutorService sync;
    private final Set<String> hosted = ConcurrentHashMap.newKeySet();
    /** The heartbeat interval each hosted agent's trigger has, so a tick need not ask Quartz. */
    private final java.util.Map<String, Duration> intervals = new ConcurrentHashMap<>();

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile SkillShop shop;
    /** Publishes offers off the sync thread: a slow chain must not delay heartbeats. */
    private final java.util.concurrent.ExecutorService market = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cyberia-market");
        t.setDaemon(true);
        return t;
    });

    private RuntimeNode(
            Config config, AgentStore store, EventLog events, AgentAssembler assembler, Ladder ladder, Clock clock)
            throws SchedulerException {
        this.id = ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.config = config;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.runtime = new AgentRuntime(store, events, assembler, this::schedule, ladder, clock);
        this.scheduler = quartz(config, id, store.dataSource());
        this.scheduler.setJobFactory((bundle, s) -> new TickJob(this));
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

    /** Starts a node: registers it, starts Quartz, and begins syncing agents, moving them on {@code ladder}. */
    public static RuntimeNode start(
            Config config, AgentStore store, EventLog events, AgentAssembler assembler, Ladder ladder, Clock clock) {
        try {
            RuntimeNode node = new RuntimeNode(config, store, events, assembler, ladder, clock);
            store.registerNode(node.id, ProcessHandle.current().pid(), clock.instant());
            if (config.shopPort() >= 0) {
                node.shop = SkillShop.start(
                        config.shopPort(),
                        store,
                        node.runtime,
                        node.hosted::contains,
                        node::shopOfHolder,
                        clock,
                        config.settlement());
                store.setShop(node.id, node.shop.baseUri());
            }
            node.syncOnce();
            node.scheduler.start();
            long every = config.syncEvery().toMillis();
            node.sync.scheduleWithFixedDelay(node::syncSafely, every, every, TimeUnit.MILLISECONDS);
            LOG.info("node {} started ({} agents)", node.id, node.hosted.size());
            return node;
        } catch (SchedulerException e) {
            throw new AgentException("cannot start the scheduler: " + e.getMessage(), e);
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

    private static Scheduler quartz(Config config, String instanceId, DataSource db) throws SchedulerException {
        String dataSource = "cyberia-" + instanceId;
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return db.getConnection();
            }

            @Override
            public void shutdown() {}

            @Override
            public void initialize() {}
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", config.schedulerName());
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "cyberia-tick");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty(
                "org.quartz.jobStore.driverDelegateClass",
                AgentStore.vendorOf(db) == dev.cyberia.treasury.TreasuryDatabase.Vendor.POSTGRESQL
                        ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                        : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(config.threads() * 4));
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow", "1000");
        return new StdSchedulerFactory(p).getScheduler();
    }

    private void syncSafely() {
        try {
            if (store.checkIn(id, clock.instant())) {
                LOG.info("node {} asked to stop", id);
                Thread.ofPlatform().start(this::close);
                return;
            }
            syncOnce();
        } catch (RuntimeException | SchedulerException e) {
            LOG.warn("node sync failed: {}", e.toString());
        }
    }

    /** Takes launched agents no live node holds, and drops agents stopped elsewhere: two small queries. */
    private void syncOnce() throws SchedulerException {
        Instant now = clock.instant();
        for (String name : store.runningUnheld(now, config.lease())) {
            if (config.hosts().test(name) && !hosted.contains(name) && store.hold(name, id, now, config.lease())) {
                host(store.get(name));
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

    private void host(AgentRecord agent) throws SchedulerException {
        AgentDefinition definition;
        try {
            definition = runtime.load(agent).definition();
        } catch (AgentException e) {
            LOG.error("cannot load agent {}: {}", agent.name(), e.getMessage());
            store.release(agent.name(), id);
            return;
        }
        JobKey job = JobKey.jobKey(agent.name(), GROUP);
        if (!scheduler.checkExists(job)) {
            scheduler.addJob(
                    JobBuilder.newJob(TickJob.class)
                            .withIdentity(job)
                            .storeDurably()
                            .build(),
                    false);
        }
        TriggerKey heartbeat = TriggerKey.triggerKey(agent.name(), "heartbeat");
        Duration interval = definition.heartbeat().multipliedBy(agent.mode().heartbeatMultiplier());
        if (!scheduler.checkExists(heartbeat)) {
            // a fixed offset per agent within one interval, so that many agents do not all tick at once
            long offset = Math.floorMod(agent.name().hashCode(), Math.max(1, interval.toMillis()));
            Date first =
                    agent.tickSeq() == 0 ? now() : Date.from(clock.instant().plusMillis(offset));
            scheduler.scheduleJob(heartbeat(agent.name(), interval, first));
            intervals.put(agent.name(), interval);
        }
        if (agent.openTick().isPresent()) {
            scheduler.triggerJob(job); // a tick a killed node left open runs now: money may be in flight
        }
        hosted.add(agent.name());
        LOG.info("hosting {} (every {})", agent.name(), interval);
        market.submit(() -> reconcileJournal(agent.name()));
        if (shop != null && !definition.sells().isEmpty()) {
            URI base = shop.baseUri();
            market.submit(() -> publishOffers(agent.name(), base));
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

    private void drop(String name) throws SchedulerException {
        hosted.remove(name);
        intervals.remove(name);
        scheduler.deleteJob(JobKey.jobKey(name, GROUP));
        runtime.unload(name);
        store.release(name, id);
        LOG.info("dropped {}", name);
    }

    private Date now() {
        return Date.from(clock.instant());
    }

    private static Trigger heartbeat(String agent, Duration interval, Date start) {
        return TriggerBuilder.newTrigger()
                .withIdentity(agent, "heartbeat")
                .forJob(agent, GROUP)
                .startAt(start)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /** After a tick: moves the heartbeat when the survival mode changed its interval (checked in memory). */
    void retime(String agent, AgentRuntime.TickReport report) {
        try {
            // the tick just loaded the agent: no database read on this hot path
            Duration interval = runtime.loadedDefinition(agent)
                    .orElseGet(() -> runtime.load(store.get(agent)).definition())
                    .heartbeat()
                    .multipliedBy(report.mode().heartbeatMultiplier());
            if (interval.equals(intervals.get(agent))) {
                return;
            }
            TriggerKey key = TriggerKey.triggerKey(agent, "heartbeat");
            Trigger current = scheduler.getTrigger(key);
            if (current instanceof SimpleTrigger simple && simple.getRepeatInterval() != interval.toMillis()) {
                scheduler.rescheduleJob(
                        key,
                        heartbeat(agent, interval, Date.from(clock.instant().plus(interval))));
                LOG.info("{} now ticks every {} ({})", agent, interval, report.mode());
            }
            intervals.put(agent, interval);
        } catch (SchedulerException | RuntimeException e) {
            LOG.warn("cannot retime {}: {}", agent, e.toString());
        }
    }

    /** A follow-up tick (the schedule skill): a one-shot Quartz trigger for the agent's job. */
    void schedule(String agent, Duration after, String reason) {
        try {
            Trigger once = TriggerBuilder.newTrigger()
                    .withIdentity(agent + "-" + UUID.randomUUID(), "follow-up")
                    .forJob(agent, GROUP)
                    .usingJobData("reason", reason)
                    .startAt(Date.from(clock.instant().plus(after)))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build();
            scheduler.scheduleJob(once);
        } catch (SchedulerException e) {
            throw new AgentException("cannot schedule a follow-up for " + agent + ": " + e.getMessage(), e);
        }
    }

    /** Runs the tick a trigger fired, if this node holds (or can take) the agent. */
    /**
     * One tick of {@code agent}, on whichever node of the cluster Quartz fired its trigger: the
     * job store lets one tick of an agent run at a time across all nodes ({@code
     * DisallowConcurrentExecution} on a clustered store), and the tick itself, its journal and its
     * payments live in the shared database. The node that holds the agent keeps its schedule, its
     * offers and its shop; any node of the same scheduler may run its ticks (a heartbeat skipped
     * because another node held the agent would be lost).
     */
    void fire(String agent, List<String> reasons) {
        if (!hosted.contains(agent)) {
            Optional<AgentRecord> record = store.find(agent);
            if (!config.hosts().test(agent) || record.isEmpty() || record.get().state() != AgentState.RUNNING) {
                LOG.debug("skipping {}: not running, or not for this node", agent);
                return;
            }
        }
        retime(agent, runtime.tick(agent, reasons));
    }

    /** Stops the node: running ticks finish, triggers stay in the job store for the next start. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        sync.shutdown(); // never interrupt a thread that may be writing to the database
        market.shutdown();
        try {
            sync.awaitTermination(30, TimeUnit.SECONDS);
            market.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            scheduler.shutdown(true); // running ticks finish first: they may be hiring this node's own shop
        } catch (SchedulerException e) {
            LOG.warn("scheduler shutdown: {}", e.toString());
        }
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

    /** The Quartz job of every agent: one tick, never two at once for the same agent. */
    @DisallowConcurrentExecution
    static final class TickJob implements Job {
        private final RuntimeNode node;

        TickJob(RuntimeNode node) {
            this.node = node;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String agent = context.getJobDetail().getKey().getName();
            String reason = context.getTrigger().getJobDataMap().getString("reason");
            try {
                node.fire(agent, reason == null ? List.of() : List.of(reason));
            } catch (RuntimeException e) {
                LOG.warn("tick of {} did not finish: {}", agent, e.toString());
            }
        }
    }
}
