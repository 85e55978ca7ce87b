package dev.cyberia.bench;

import dev.cyberia.agentcore.AgentRuntime;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The runtime's own cost of one tick, no model: open the tick, observe (two balance reads on a real
 * anvil, the ledger, the day's spend), decide the mode, run the routine, store the hash-chained
 * events (and their actions.jsonl lines), close the tick. "idle" has no routine steps; "oneStep"
 * runs one tool call (remember) through validation, the gate and the call record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class TickOverheadBenchmark {
    @Param({"idle", "oneStep"})
    public String routine;

    private AgentBench bench;
    private AgentRuntime runtime;

    @Setup
    public void setUp() throws IOException {
        bench = new AgentBench(
                routine.equals("idle")
                        ? "purpose: idle\nheartbeat: 1m\n"
                        : "purpose: note\nheartbeat: 1m\nroutine:\n  - skill: remember\n    args: {topic: t, note: n}\n");
        bench.createAgents(1, true);
        runtime = new AgentRuntime(bench.store, bench.events, bench.assembler(), (a, d, r) -> {}, Clock.systemUTC());
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public AgentRuntime.TickReport tick() {
        return runtime.tick("a0", List.of());
    }
}
