package dev.cyberia.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.cyberia.agentcore.RuntimeNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * How many idle agents one node holds: N agents (a routine with no steps), each with its own
 * wallet, tick every {@code heartbeat} seconds on one node (4 tick threads), observing a real
 * anvil, on an H2 file or on PostgreSQL ({@code $CYBERIA_TEST_PG}, from {@code scripts/test-postgres
 * start}). One measured window of one heartbeat, in a JVM capped at 1 GiB of heap. The JMH score
 * is the window's length; the figures are a {@code RESULT} line: ticks per second, the node's CPU
 * as a share of one core, CPU per tick, the PostgreSQL server's CPU (its processes, from /proc), and
 * heap per agent (after a full GC, over the empty node).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class IdleAgentsBenchmark {
    @Param({"1000", "10000"})
    public int agents;

    @Param({"60"})
    public int heartbeatSeconds;

    @Param({"h2", "postgresql"})
    public String database;

    private AgentBench bench;
    private RuntimeNode node;
    private long baselineHeap;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new AgentBench(
                "purpose: idle\nheartbeat: " + heartbeatSeconds + "s\nsurvival: {hibernateBelow: 0}\n", database);
        baselineHeap = heapAfterGc();
        bench.createAgents(agents, true, true);
        node = RuntimeNode.start(
                new RuntimeNode.Config(
                        "bench",
                        4,
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(10),
                        n -> true,
                        true,
                        java.util.Optional.empty(),
                        java.util.Optional.empty()),
                bench.store,
                bench.events,
                bench.assembler(),
                Clock.systemUTC());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (node.hosted().size() < agents && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        // settle: every agent has been loaded and has ticked once here (its first balance reads
        // and ladder figures are behind it), so the window measures steady idle ticking
        while (ticks() < agents && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    @Benchmark
    public long window() throws Exception {
        long ticks0 = ticks();
        long cpu0 = os.getProcessCpuTime();
        long db0 = postgresCpuNanos();
        long wall0 = System.nanoTime();
        Thread.sleep(heartbeatSeconds * 1000L);
        long wall = System.nanoTime() - wall0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long dbCpu = postgresCpuNanos() - db0;
        long ticks = ticks() - ticks0;
        long heap = heapAfterGc() - baselineHeap;
        String result = String.format(
                "RESULT database=%s agents=%d hosted=%d heartbeat=%ds ticks=%d ticksPerSecond=%.1f"
                        + " cpuShareOfOneCore=%.3f cpuMicrosPerTick=%.0f postgresCpuShareOfOneCore=%.3f heapMiB=%.1f"
                        + " heapKiBPerAgent=%.1f",
                database,
                agents,
                node.hosted().size(),
                heartbeatSeconds,
                ticks,
                ticks / (wall / 1e9),
                (double) cpu / wall,
                ticks == 0 ? 0.0 : cpu / 1e3 / ticks,
                (double) dbCpu / wall,
                heap / 1048576.0,
                heap / 1024.0 / agents);
        System.out.println(result);
        Files.writeString(
                Path.of(
                        System.getProperty("java.io.tmpdir"),
                        "cyberia-idle-agents-" + database + "-" + agents + ".txt"),
                result + "\n");
        return ticks;
    }

    private long ticks() {
        try (var c = bench.db.dataSource().getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM agent_events WHERE type = 'TickFinished'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU time of the PostgreSQL server's processes (all of them on this machine; 0 for H2), from /proc. */
    private long postgresCpuNanos() {
        if (!database.equals("postgresql")) {
            return 0;
        }
        long ticks = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ticks * 10_000_000L; // USER_HZ is 100
    }

    private long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
        bench.close();
    }
}
