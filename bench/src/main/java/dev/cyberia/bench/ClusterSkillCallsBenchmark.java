package dev.cyberia.bench;

import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Signer;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402Buyer;
import java.math.BigInteger;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Paid skill calls with 1, 2 and 3 nodes on one PostgreSQL database ({@code $CYBERIA_TEST_PG}):
 * three selling agents (each its own wallet, so their settlements do not queue on one nonce) are
 * shared between the nodes, each node selling its own through its own shop; buyers hire a seller
 * at random through the shop of the node that holds it. One operation is one whole hire, as in
 * {@link SkillCallsBenchmark}. The nodes run in this JVM (one machine: the question is what the
 * shared database and the hold cost, not more cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ClusterSkillCallsBenchmark {
    private static final int SELLERS = 3;

    @Param({"1", "2", "3"})
    public int nodes;

    private AgentBench bench;
    private final List<RuntimeNode> running = new ArrayList<>();
    private final List<Signer> keys = new ArrayList<>();
    private final Map<String, URI> shopOf = new ConcurrentHashMap<>();
    private Signer buyer;
    private X402Buyer wallet;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new AgentBench("""
                purpose: Sell shouting.
                heartbeat: 10m
                skills: [dev.cyberia.bench.SkillCallsBenchmark$Shout]
                sells: [{skill: shout, price: "0.001"}]
                """, "postgresql");
        buyer = bench.devKey("buyer", 12);
        bench.devnet.fund(buyer.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000_000_000L));
        Map<String, Signer> sellers = new ConcurrentHashMap<>();
        for (int i = 0; i < SELLERS; i++) {
            String name = "seller" + i;
            Signer key = bench.devKey(name, 13 + i);
            keys.add(key);
            sellers.put(name, key);
            bench.devnet.fund(key.address(), BigInteger.TEN.pow(19), BigInteger.ZERO);
            bench.store.create(
                    name,
                    key.address(),
                    name,
                    bench.definition,
                    Tier.AGENT,
                    Clock.systemUTC().instant());
            bench.store.setState(name, AgentState.RUNNING);
        }
        var toolbox = Skills.load(
                List.of(SkillCallsBenchmark.Shout.class.getName()), ClusterSkillCallsBenchmark.class.getClassLoader());
        for (int n = 0; n < nodes; n++) {
            int node = n;
            running.add(RuntimeNode.start(
                    new RuntimeNode.Config(
                            "bench",
                            4,
                            Duration.ofSeconds(15),
                            Duration.ofSeconds(2),
                            agent -> Integer.parseInt(agent.substring("seller".length())) % nodes == node,
                            false,
                            Optional.of(new SkillShop.Address("127.0.0.1", 0, Optional.empty())),
                            Optional.empty()),
                    bench.store,
                    bench.events,
                    (record, def) -> new LoadedAgent(
                            def,
                            Treasury.open(
                                    bench.db,
                                    bench.chain,
                                    bench.cyb,
                                    record.address(),
                                    Clock.systemUTC(),
                                    Treasury.Options.DEFAULT),
                            () -> sellers.get(record.name()),
                            Planners.routine(),
                            toolbox),
                    Clock.systemUTC()));
        }
        for (RuntimeNode node : running) {
            for (String agent : node.hosted()) {
                shopOf.put(agent, node.shop().orElseThrow().resolve("/agents/" + agent + "/skills/shout"));
            }
        }
        if (shopOf.size() != SELLERS) {
            throw new IllegalStateException("the nodes hold " + shopOf.keySet() + ", not all " + SELLERS + " sellers");
        }
        wallet = new X402Buyer(
                bench.chain.chainId(), bench.cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        running.forEach(RuntimeNode::close);
        keys.forEach(Signer::close);
        buyer.close();
        bench.close();
    }

    /** One whole hire of a seller picked at random, through its holder's shop. */
    @Benchmark
    public String hire() throws Exception {
        URI url = shopOf.get("seller" + ThreadLocalRandom.current().nextInt(SELLERS));
        return SkillCallsBenchmark.hire(url, wallet, buyer, Amount.parse("0.001", bench.cyb));
    }
}
