package dev.cyberia.bench;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.Treasury;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
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
 * What finding a seller in the market adds to a hire by name: the cheapest active offer of a skill
 * among {@code offers} offers on the registry contract, read from a real anvil over JSON-RPC (one
 * call for the count, one per offer), as {@code hire} and {@code inference.market} do it.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MarketLookupBenchmark {
    @Param({"10", "100"})
    public int offers;

    private AgentBench bench;
    private MarketRegistry market;
    private Amount cap;

    @Setup
    public void setUp() throws IOException {
        bench = new AgentBench("purpose: Look things up.\n");
        market = new MarketRegistry(
                bench.chain, bench.devnet.recorded().orElseThrow().registry());
        cap = Amount.parse("1", bench.cyb);
        try (Signer seller = bench.devKey("seller", 13)) {
            bench.devnet.fund(seller.address(), BigInteger.TEN.pow(19), BigInteger.ZERO);
            Treasury wallet = Treasury.open(
                    bench.db, bench.chain, bench.cyb, seller.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            for (int i = 0; i < offers; i++) {
                market.publish(
                        new OfferDraft(
                                Offer.Kind.SKILL,
                                "agent" + i + "/shout",
                                URI.create("http://127.0.0.1:8403/agents/agent" + i + "/skills/shout"),
                                Amount.parse("0.0" + (10 + i % 90), bench.cyb)),
                        wallet,
                        seller);
            }
        }
    }

    @TearDown
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public Offer findCheapestSeller() {
        return market.cheapest(Offer.Kind.SKILL, "shout", bench.cyb, cap).orElseThrow();
    }
}
