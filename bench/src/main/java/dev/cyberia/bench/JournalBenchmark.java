package dev.cyberia.bench;

import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.internal.JournalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Payment-journal writes per second on an H2 file: one payment intent, committed, per operation.
 * "durable" is what the treasury uses (WRITE_DELAY=0: the commit is written before it returns);
 * "delayed" is H2's default (commits flushed up to 500 ms later), for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class JournalBenchmark {
    @Param({"durable", "delayed"})
    public String commits;

    private Path dir;
    private TreasuryDatabase db;
    private JournalStore journal;
    private final AtomicLong keys = new AtomicLong();
    private final Address payer = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    private final Address payee = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private final Asset cyb = Asset.token("CYB", 6, Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"));

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("cyberia-journal");
        String url = "jdbc:h2:file:" + dir.resolve("journal") + (commits.equals("durable") ? ";WRITE_DELAY=0" : "");
        db = TreasuryDatabase.open(url);
        journal = new JournalStore(db.dataSource());
    }

    @TearDown
    public void tearDown() {
        db.close();
    }

    @Benchmark
    public long writeIntent() {
        PaymentRequest request = new PaymentRequest(
                "j-" + keys.incrementAndGet(), payee, Amount.parse("1.25", cyb), "expenses:inference");
        return journal.intend(request, payer, 31337, Instant.now()).id();
    }
}
