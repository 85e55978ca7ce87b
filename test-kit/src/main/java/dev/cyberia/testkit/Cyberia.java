package dev.cyberia.testkit;

import dev.cyberia.agentcore.AgentAssembler;
import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.Ladder;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Planner;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Signer;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.TrustRegistries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What a {@link CyberiaTest} gets: a local devnet with ComputeToken (CYB), the market registry and
 * the ERC-8004 registries; agents made from definitions, each with a new key funded by the faucet,
 * the skills it names loaded from the test's class path, run by the routine planner or a
 * {@link ScriptedModel}; a skill shop selling their skills over x402. Everything is real: payments
 * settle on the chain and are journaled and booked as in a node.
 */
public final class Cyberia implements AutoCloseable {
    private final Path home;
    private final Devnet devnet;
    private final Chain chain;
    private final Asset token;
    private final MarketRegistry market;
    private final TrustRegistries trust;
    private final Keystore keystore;
    private final TreasuryDatabase db;
    final AgentStore store;
    final EventLog events;
    final AgentRuntime runtime;
    final Clock clock = Clock.systemUTC();
    final List<dev.cyberia.agentcore.RecordedEvent> recorded = new CopyOnWriteArrayList<>();
    private final Map<String, Signer> keys = new ConcurrentHashMap<>();
    private final Map<String, Planner> planners = new ConcurrentHashMap<>();
    private SkillShop shop;

    private Cyberia(Path home, Devnet devnet, DevnetInfo info) {
        this.home = home;
        this.devnet = devnet;
        this.chain = Chain.connect(info.rpcUrl(), info.chainId());
        this.token = Asset.readFrom(chain, info.token());
        this.market = new MarketRegistry(chain, info.registry());
        this.trust = new TrustRegistries(chain, info.trust());
        this.keystore = Keystore.open(home);
        this.db = TreasuryDatabase.open("jdbc:h2:mem:cyberia-test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        this.store = AgentStore.open(db.dataSource());
        this.events = new EventLog(db.dataSource(), clock);
        events.addListener(recorded::add);
        AgentAssembler assembler = this::assemble;
        this.runtime = new AgentRuntime(
                store, events, assembler, (agent, after, why) -> {}, Ladder.builtIn("standard"), clock);
    }

    /** Starts a devnet in a new temporary folder (anvil from npm the first time, then from its cache). */
    static Cyberia start() {
        Path home;
        try {
            home = Files.createTempDirectory("cyberia-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Devnet devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(freePort());
        try {
            return new Cyberia(home, devnet, info);
        } catch (RuntimeException e) {
            devnet.down();
            throw e;
        }
    }

    /** A new agent, to be described then started. */
    public AgentSpec agent(String name) {
        return new AgentSpec(this, name);
    }

    /** The devnet's chain. */
    public Chain chain() {
        return chain;
    }

    /** The devnet's token, CYB. */
    public Asset token() {
        return token;
    }

    /** The devnet's market registry, where sold skills and miners are listed. */
    public MarketRegistry market() {
        return market;
    }

    /** The devnet's ERC-8004 registries. */
    public TrustRegistries trust() {
        return trust;
    }

    /** Where the agents' skills are sold over x402 (started on first use): {@code BASE/agents/NAME/skills/SKILL}. */
    public synchronized URI shop() {
        if (shop == null) {
            shop = SkillShop.start(0, store, runtime, n -> true, clock);
        }
        return shop.baseUri();
    }

    /** Mints {@code units} CYB (and 1 ETH for gas) to {@code address} from the devnet's faucet. */
    public void fund(dev.cyberia.keystore.Address address, String units) {
        devnet.fund(
                address,
                java.math.BigInteger.TEN.pow(18),
                new java.math.BigDecimal(units).movePointRight(token.decimals()).toBigIntegerExact());
    }

    Path home() {
        return home;
    }

    Keystore keystore() {
        return keystore;
    }

    void register(String name, Signer key, Optional<ScriptedModel> model) {
        keys.put(name, key);
        model.ifPresent(m -> planners.put(name, Planners.llm(m.planner(token))));
    }

    Treasury treasury(dev.cyberia.keystore.Address address) {
        return Treasury.open(db, chain, token, address, clock, Treasury.Options.DEFAULT);
    }

    private LoadedAgent assemble(AgentRecord record, AgentDefinition definition) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return new LoadedAgent(
                definition,
                treasury(record.address()),
                () -> keys.get(record.name()),
                planners.getOrDefault(record.name(), Planners.routine()),
                Skills.load(definition.skills(), loader == null ? Cyberia.class.getClassLoader() : loader),
                Optional.of(market),
                Optional.of(trust));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (shop != null) {
                shop.close();
            }
            keys.values().forEach(Signer::close);
            db.close();
        } finally {
            devnet.down(); // whatever failed above, anvil does not outlive the tests
        }
        try (Stream<Path> files = Files.walk(home)) {
            List<Path> all =
                    new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
