package dev.cyberia.bench;

import dev.cyberia.agentcore.ActionLog;
import dev.cyberia.agentcore.AgentAssembler;
import dev.cyberia.agentcore.AgentDefinitions;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.agentcore.Toolbox;
import dev.cyberia.keystore.Address;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.internal.Anvil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * What the agent benchmarks share: a real anvil devnet, an H2 file database in a temp home, and
 * agents whose definition is a routine (no model), all watching one funded wallet.
 */
final class AgentBench implements AutoCloseable {
    static final Address WALLET = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    final Path home;
    final Devnet devnet;
    final Chain chain;
    final Asset cyb;
    final TreasuryDatabase db;
    /** The database's URL, for other processes: the PostgreSQL one (an H2 file is this process's alone). */
    final java.util.Optional<String> sharedUrl;

    final AgentStore store;
    final EventLog events;
    final Path definition;
    private final Toolbox toolbox = Skills.load(List.of(), AgentBench.class.getClassLoader());

    AgentBench(String definitionYaml) throws IOException {
        this(definitionYaml, "h2");
    }

    /**
     * @param database {@code h2} (a file in the home, the default) or {@code postgresql}: a new
     *     database on the server {@code $CYBERIA_TEST_PG} names (run {@code eval "$(scripts/test-postgres
     *     start)"} first)
     */
    AgentBench(String definitionYaml, String database) throws IOException {
        home = Files.createTempDirectory("cyberia-agent-bench");
        devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(Anvil.freePort());
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        devnet.fund(WALLET, java.math.BigInteger.TEN.pow(18), java.math.BigInteger.valueOf(1_000_000_000));
        sharedUrl = switch (database) {
            case "h2" -> java.util.Optional.empty();
            case "postgresql" -> java.util.Optional.of(freshPostgresql());
            default -> throw new IllegalArgumentException("database is h2 or postgresql, not " + database);
        };
        db = sharedUrl.map(TreasuryDatabase::open).orElseGet(() -> TreasuryDatabase.forHome(home));
        store = AgentStore.open(db.dataSource());
        events = new EventLog(db.dataSource(), Clock.systemUTC());
        events.addListener(ActionLog.writer(home));
        definition = home.resolve("agent.yaml");
        Files.writeString(definition, definitionYaml);
    }

    private static String freshPostgresql() {
        String admin = System.getenv("CYBERIA_TEST_PG");
        if (admin == null || admin.isBlank()) {
            throw new IllegalStateException(
                    "the postgresql benchmarks need $CYBERIA_TEST_PG: run eval \"$(scripts/test-postgres start)\"");
        }
        String name = "bench_" + java.util.UUID.randomUUID().toString().replace("-", "");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin, "postgres", "");
                java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create a database on " + admin + ": " + e.getMessage(), e);
        }
        return admin.substring(0, admin.lastIndexOf('/') + 1) + name + "?user=postgres";
    }

    /** Creates {@code n} agents named a0..a(n-1), RUNNING, all on the funded wallet; {@code ticked} marks each as having ticked once. */
    void createAgents(int n, boolean ticked) {
        createAgents(n, ticked, false);
    }

    /** The same, each agent with a wallet of its own (empty) when {@code ownWallets}: a balance read per agent, as in life. */
    void createAgents(int n, boolean ticked, boolean ownWallets) {
        for (int i = 0; i < n; i++) {
            String name = "a" + i;
            store.create(
                    name,
                    ownWallets ? Address.parse(String.format("0x%040x", 0xC0FFEE0000L + i)) : WALLET,
                    "bench",
                    definition,
                    Tier.AUTOMATON,
                    Clock.systemUTC().instant());
            if (ticked) { // as if its first tick ran just now, so the node spreads its heartbeats
                try (java.sql.Connection c = store.dataSource().getConnection();
                        java.sql.PreparedStatement ps =
                                c.prepareStatement("UPDATE agents SET tick_seq = 1, last_tick_at = ? WHERE name = ?")) {
                    ps.setTimestamp(1, java.sql.Timestamp.from(Clock.systemUTC().instant()));
                    ps.setString(2, name);
                    ps.executeUpdate();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            store.setState(name, AgentState.RUNNING);
        }
    }

    /** Imports dev account {@code index} as key {@code name} (light KDF) and unlocks it. */
    dev.cyberia.keystore.Signer devKey(String name, int index) {
        var keystore = dev.cyberia.keystore.Keystore.open(home);
        try (dev.cyberia.keystore.Mnemonic mnemonic =
                dev.cyberia.keystore.Mnemonic.parse(Anvil.DEV_MNEMONIC.toCharArray())) {
            keystore.importMnemonic(
                    name,
                    mnemonic,
                    dev.cyberia.keystore.Passphrase.empty(),
                    dev.cyberia.keystore.DerivationPath.ethereum(index),
                    dev.cyberia.keystore.Passphrase.wrap("pw".toCharArray()),
                    dev.cyberia.keystore.Kdf.LIGHT,
                    dev.cyberia.keystore.KeyOrigin.MNEMONIC);
        }
        return keystore.unlock(name, dev.cyberia.keystore.Passphrase.wrap("pw".toCharArray()));
    }

    /** Loads agents as a node would, minus keys: these agents never sign. */
    AgentAssembler assembler() {
        return (record, def) -> new LoadedAgent(
                def,
                Treasury.open(db, chain, cyb, record.address(), Clock.systemUTC(), Treasury.Options.DEFAULT),
                () -> {
                    throw new IllegalStateException("benchmark agents do not sign");
                },
                Planners.routine(),
                toolbox);
    }

    void checkDefinition() {
        AgentDefinitions.read(definition);
    }

    @Override
    public void close() {
        db.close();
        devnet.down();
        sharedUrl.ifPresent(AgentBench::dropPostgresql);
        Folders.delete(home);
    }

    private static void dropPostgresql(String url) {
        String admin = System.getenv("CYBERIA_TEST_PG");
        String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin, "postgres", "");
                java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (java.sql.SQLException e) {
            System.err.println("could not drop " + name + ": " + e.getMessage());
        }
    }
}
