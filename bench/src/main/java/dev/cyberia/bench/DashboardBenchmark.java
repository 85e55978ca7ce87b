package dev.cyberia.bench;

import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.dashboard.Dashboard;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.internal.JournalStore;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dashboard's list of every agent ({@code GET /api/agents}, what the agents page fetches every
 * five seconds) on a node's H2 file, with each agent's events and books in place: an agent that
 * ticked once and a wallet funded, paid and paid for. Time per answer, and its size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class DashboardBenchmark {
    @Param({"1000", "10000"})
    public int agents;

    private static final Asset CYB = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    private Path dir;
    private TreasuryDatabase db;
    private Dashboard dashboard;
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpRequest list;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("cyberia-dashboard-bench");
        db = TreasuryDatabase.open("jdbc:h2:file:" + dir.resolve("node"));
        AgentStore store = AgentStore.open(db.dataSource());
        EventLog events = new EventLog(db.dataSource(), Clock.systemUTC());
        JournalStore books = new JournalStore(db.dataSource());
        Instant now = Instant.now();
        for (int i = 0; i < agents; i++) {
            String name = "agent" + i;
            byte[] raw = new byte[20];
            raw[0] = 1;
            raw[16] = (byte) (i >>> 24);
            raw[17] = (byte) (i >>> 16);
            raw[18] = (byte) (i >>> 8);
            raw[19] = (byte) i;
            Address wallet = Address.of(raw);
            store.create(name, wallet, name, dir.resolve(name + ".yaml"), Tier.AUTOMATON, now);
            events.append(
                    name,
                    name + "#1",
                    new AgentEvent.TickStarted(false, SurvivalMode.NORMAL, Amount.parse("10", CYB), List.of()));
            events.append(name, name + "#1", new AgentEvent.TickFinished("idle", 0, Amount.zero(CYB), 2));
            BigInteger ten = BigInteger.valueOf(10_000_000);
            BigInteger fee = BigInteger.valueOf(20_000);
            books.book(
                    wallet,
                    "inflow",
                    List.of(
                            new JournalStore.Leg(CYB.walletAccount(), CYB, ten),
                            new JournalStore.Leg("equity:faucet", CYB, ten.negate())),
                    "0xfund" + i,
                    "funded",
                    now);
            books.book(
                    wallet,
                    "inflow",
                    List.of(
                            new JournalStore.Leg("expenses:inference", CYB, fee),
                            new JournalStore.Leg(CYB.walletAccount(), CYB, fee.negate())),
                    "0xpaid" + i,
                    "inference",
                    now);
        }
        AgentRuntime runtime = new AgentRuntime(
                store,
                events,
                (record, definition) -> {
                    throw new IllegalStateException("the list needs no agent put together");
                },
                (agent, after, reason) -> {},
                Clock.systemUTC());
        dashboard = Dashboard.start(
                new Dashboard.Config(0, dir),
                new Dashboard.Node(store, events, runtime, db, Optional.empty(), Clock.systemUTC()));
        list = HttpRequest.newBuilder(dashboard.uri().resolve("/api/agents")).build();
        String body = agentsList();
        if (!body.contains("\"agent" + (agents - 1) + "\"") || !body.contains("\"runwayDays\"")) {
            throw new IllegalStateException("the list lacks an agent or its books: " + body.substring(0, 300));
        }
        System.out.printf("%n/api/agents for %d agents: %,d bytes%n", agents, body.length());
    }

    @Benchmark
    public String agentsList() {
        try {
            return http.send(list, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        dashboard.close();
        db.close();
        Folders.delete(dir);
    }
}
