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
 * How many idle agents one node holds: N agents (routine with no steps) tick every
 * {@code heartbeat} seconds through Quartz's JDBC job store on an H2 file, observing a real anvil.
 * One measured window of two heartbeats, in a JVM capped at 1 GiB of heap. The JMH score is the
 * window's length; the figures are printed as a {@code RESULT} line: ticks per second, CPU as a
 * share of one core, CPU per tick, and heap per agent (after a full GC, over the empty node).
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

    private AgentBench bench;
    private RuntimeNode node;
    private long baselineHeap;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        bench = new AgentBench("purpose: idle\nheartbeat: " + heartbeatSeconds + "s\n");
        baselineHeap = heapAfterGc();
        bench.createAgents(agents, true);
        node = RuntimeNode.start(
                new RuntimeNode.Config(
                        "bench",
                        4,
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(10),
                        n -> true,
                        -1,
                        java.util.Optional.empty()),
                bench.store,
                bench.events,
                bench.assembler(),
                Clock.systemUTC());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (node.hosted().size() < agents && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        // one heartbeat to settle: every agent has been loaded and ticked once in its slot
        Thread.sleep(heartbeatSeconds * 1000L);
    }

    @Benchmark
    public long window() throws Exception {
        long ticks0 = ticks();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        Thread.sleep(2L * heartbeatSeconds * 1000L);
        long wall = System.nanoTime() - wall0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long ticks = ticks() - ticks0;
        long heap = heapAfterGc() - baselineHeap;
        String result = String.format(
                "RESULT agents=%d hosted=%d heartbeat=%ds ticks=%d ticksPerSecond=%.1f cpuShareOfOneCore=%.3f"
                        + " cpuMicrosPerTick=%.0f heapMiB=%.1f heapKiBPerAgent=%.1f",
                agents,
                node.hosted().size(),
                heartbeatSeconds,
                ticks,
                ticks / (wall / 1e9),
                (double) cpu / wall,
                ticks == 0 ? 0.0 : cpu / 1e3 / ticks,
                heap / 1048576.0,
                heap / 1024.0 / agents);
        System.out.println(result);
        Files.writeString(
                Path.of(System.getProperty("java.io.tmpdir"), "cyberia-idle-agents-" + agents + ".txt"), result + "\n");
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
