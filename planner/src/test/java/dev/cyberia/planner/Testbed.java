package dev.cyberia.planner;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Planner;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Signer;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A real anvil devnet, a fresh in-memory database per agent, and an agent with a real key (dev
 * account 7) funded by the faucet: what a planner test needs to run whole ticks.
 */
final class Testbed implements AutoCloseable {
    static final String DEV_MNEMONIC = "test test test test test test test test test test test junk";
    /** Dev account 1, the payee allowed in the test definitions. */
    static final Address FRIEND = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    /** Dev account 2, never allowed. */
    static final Address STRANGER = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

    final Path home;
    final Devnet devnet;
    final Chain chain;
    final Asset cyb;
    final Signer signer;
    /** The devnet's market registry; every agent here finds sellers in it. */
    final dev.cyberia.treasury.MarketRegistry market;
    /** The devnet's ERC-8004 registries; every agent here finds and rates others in them. */
    final dev.cyberia.treasury.TrustRegistries trust;

    Testbed() throws IOException {
        home = Files.createTempDirectory("cyberia-planner-test");
        devnet = Devnet.at(home);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DevnetInfo info = devnet.up(port);
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        market = new dev.cyberia.treasury.MarketRegistry(chain, info.registry());
        trust = new dev.cyberia.treasury.TrustRegistries(chain, info.trust());
        signer = devKey("agent", 7);
        devnet.fund(signer.address(), java.math.BigInteger.TEN.pow(18), java.math.BigInteger.valueOf(100_000_000));
    }

    /** Imports dev account {@code index} as key {@code name} and unlocks it. */
    Signer devKey(String name, int index) {
        return dev.cyberia.treasury.DevKeys.unlock(Keystore.open(home), name, index);
    }

    /** One agent on a fresh database; ticks it with {@code planner} over the built-in skills. */
    final class Agent implements AutoCloseable {
        final TreasuryDatabase db = TestDatabases.fresh();
        final AgentStore store = AgentStore.open(db.dataSource());
        final EventLog events = new EventLog(db.dataSource(), Clock.systemUTC());
        final List<String> eventTypes = new ArrayList<>();
        final List<String> eventJson = new ArrayList<>();
        final Treasury treasury;
        final AgentRuntime runtime;

        Agent(String yaml, Planner planner) throws IOException {
            this(yaml, planner, signer);
        }

        /** An agent holding {@code key} instead of the testbed's. */
        Agent(String yaml, Planner planner, Signer key) throws IOException {
            this(yaml, planner, key, dev.cyberia.agentcore.Ladder.builtIn("standard"));
        }

        /** An agent holding {@code key}, on {@code ladder}. */
        Agent(String yaml, Planner planner, Signer key, dev.cyberia.agentcore.Ladder ladder) throws IOException {
            Path file = Files.createTempDirectory(home, "agent").resolve("agent.yaml");
            Files.writeString(file, yaml);
            AgentDefinition definition = AgentDefinitions.read(file);
            treasury = Treasury.open(db, chain, cyb, key.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            store.create(
                    "a",
                    signer.address(),
                    "agent",
                    file,
                    Tier.AUTOMATON,
                    Clock.systemUTC().instant());
            events.addListener(e -> {
                eventTypes.add(e.event().type());
                eventJson.add(e.json());
            });
            LoadedAgent loaded = new LoadedAgent(
                    definition,
                    treasury,
                    () -> key,
                    planner,
                    Skills.load(definition.skills(), getClass().getClassLoader()),
                    java.util.Optional.of(market),
                    java.util.Optional.of(trust));
            runtime = new AgentRuntime(
                    store, events, (r, d) -> loaded, (agent, after, why) -> {}, ladder, Clock.systemUTC());
        }

        AgentRuntime.TickReport tick() {
            return runtime.tick("a", List.of());
        }

        @Override
        public void close() {
            db.close();
        }
    }

    @Override
    public void close() {
        signer.close();
        devnet.down();
    }
}
