package dev.cyberia.bench;

import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.EventLog;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.RuntimeNode;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Failover on PostgreSQL: three node processes share N agents (ticking every second); the node
 * holding the most is killed with SIGKILL, and the time from the kill to each of its agents' next
 * finished tick on another node is measured; a new node replaces it, and again, {@code runs}
 * times. Not a JMH benchmark (a process dies in each run); run it from the repository root after
 * {@code mvn -B verify}, with the test PostgreSQL server up:
 *
 * <pre>
 * eval "$(scripts/test-postgres start)"
 * java -cp bench/target/benchmarks.jar dev.cyberia.bench.FailoverBenchmark 10 30   # runs, agents
 * </pre>
 */
public final class FailoverBenchmark {
    private FailoverBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (AgentBench bench =
                new AgentBench("purpose: idle\nheartbeat: 1s\nsurvival: {hibernateBelow: 0}\n", "postgresql")) {
            bench.createAgents(agents, true);
            String url = bench.sharedUrl.orElseThrow();
            List<Process> nodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                nodes.add(node(url, bench));
            }
            List<Double> all = new ArrayList<>();
            try {
                for (int run = 1; run <= runs; run++) {
                    awaitAllTicking(bench, agents, Duration.ofSeconds(120));
                    Map<Long, List<String>> byPid = holdings(bench);
                    long pid = byPid.entrySet().stream()
                            .max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.size(), b.size())))
                            .orElseThrow()
                            .getKey();
                    Process victim = nodes.stream()
                            .filter(p -> p.pid() == pid)
                            .findFirst()
                            .orElseThrow();
                    List<String> held = byPid.get(pid);
                    Instant killed = Instant.now();
                    victim.destroyForcibly().waitFor();
                    Instant dead = Instant.now();
                    nodes.remove(victim);
                    Map<String, Double> seconds = awaitTicksAfter(bench, held, killed, dead, Duration.ofSeconds(120));
                    List<Double> sorted = seconds.values().stream().sorted().toList();
                    all.addAll(sorted);
                    System.out.printf(
                            "run %d: killed the node holding %d agents; their next tick elsewhere after %.1f to %.1f s"
                                    + " (median %.1f)%n",
                            run, held.size(), sorted.get(0), sorted.get(sorted.size() - 1), median(sorted));
                    nodes.add(node(url, bench));
                }
            } finally {
                for (Process p : nodes) {
                    p.destroyForcibly().waitFor();
                }
            }
            List<Double> sorted = all.stream().sorted().toList();
            System.out.printf(
                    "RESULT runs=%d agents=%d failoverSecondsMin=%.1f median=%.1f p90=%.1f max=%.1f%n",
                    runs,
                    agents,
                    sorted.get(0),
                    median(sorted),
                    sorted.get((int) Math.floor(0.9 * (sorted.size() - 1))),
                    sorted.get(sorted.size() - 1));
        }
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A node process on the same database and chain, hosting every RUNNING agent. */
    private static Process node(String url, AgentBench bench) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Node.class.getName(),
                        url,
                        bench.chain.rpc().toString(),
                        bench.cyb.token().orElseThrow().toString())
                .inheritIO()
                .start();
    }

    private static void awaitAllTicking(AgentBench bench, int agents, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Instant since = Instant.now().minusSeconds(3);
            int ticking = scalar(
                    bench,
                    "SELECT COUNT(DISTINCT agent) FROM agent_events WHERE type = 'TickFinished' AND at > ?",
                    Timestamp.from(since));
            if (ticking == agents
                    && holdings(bench).values().stream().mapToInt(List::size).sum() == agents) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + ticking + " of " + agents + " agents tick");
            }
            Thread.sleep(200);
        }
    }

    /** Which live node (by pid) holds which agents. */
    private static Map<Long, List<String>> holdings(AgentBench bench) throws Exception {
        Map<Long, List<String>> out = new HashMap<>();
        try (Connection c = bench.db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT n.pid, a.name FROM agents a JOIN nodes n ON n.id =" + " a.host WHERE n.seen_at > ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(10)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** Seconds from {@code killed} to each agent's first finished tick written after the victim was dead. */
    private static Map<String, Double> awaitTicksAfter(
            AgentBench bench, List<String> agents, Instant killed, Instant dead, Duration timeout) throws Exception {
        Map<String, Double> seconds = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seconds.size() < agents.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("agents " + agents + " did not tick again within " + timeout);
            }
            try (Connection c = bench.db.dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT agent, MIN(at) FROM agent_events WHERE type ="
                            + " 'TickFinished' AND at > ? GROUP BY agent")) {
                ps.setTimestamp(1, Timestamp.from(dead));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (agents.contains(rs.getString(1))) {
                            seconds.putIfAbsent(
                                    rs.getString(1),
                                    Duration.between(killed, rs.getTimestamp(2).toInstant())
                                                    .toMillis()
                                            / 1000.0);
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        return seconds;
    }

    private static int scalar(AgentBench bench, String sql, Object arg) throws Exception {
        try (Connection c = bench.db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** One node process: the agents' routine, their treasuries on the chain, no keys (they never sign). */
    public static final class Node {
        private Node() {}

        public static void main(String[] args) throws Exception {
            TreasuryDatabase db = TreasuryDatabase.open(args[0]);
            Chain chain = Chain.connect(URI.create(args[1]), Devnet.CHAIN_ID);
            Asset cyb = Asset.token("CYB", 6, dev.cyberia.keystore.Address.parse(args[2]));
            AgentStore store = AgentStore.open(db.dataSource());
            EventLog events = new EventLog(db.dataSource(), Clock.systemUTC());
            var toolbox = Skills.load(List.of(), Node.class.getClassLoader());
            RuntimeNode node = RuntimeNode.start(
                    RuntimeNode.Config.shared(Optional.empty()),
                    store,
                    events,
                    (record, def) -> new LoadedAgent(
                            def,
                            Treasury.open(
                                    db, chain, cyb, record.address(), Clock.systemUTC(), Treasury.Options.DEFAULT),
                            () -> {
                                throw new IllegalStateException("failover agents do not sign");
                            },
                            Planners.routine(),
                            toolbox),
                    Clock.systemUTC());
            node.awaitStop();
        }
    }
}
