package dev.cyberia.bench;

import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.keystore.Signer;
import dev.cyberia.planner.Planners;
import dev.cyberia.tools.Skills;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A sold skill over loopback on a real anvil: each operation is one whole paid call, as a hiring
 * agent makes it: ask (402 with the price), sign an EIP-3009 authorization, call again with it;
 * the seller's node verifies it, settles it on chain through its journal, books the income, runs
 * the skill through the gate and records the events, and answers. Single-shot latency (the time
 * from the decision to hire to the answer in hand) on one thread, throughput on four.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SkillCallsBenchmark {
    /** The skill sold. */
    public static final class Shout {
        @Tool(name = "shout", value = "Upper-cases text.")
        public String shout(@P("the text") String text) {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private AgentBench bench;
    private SkillShop shop;
    private Signer seller;
    private Signer buyer;
    private X402Buyer wallet;
    private URI url;

    @Setup
    public void setUp() throws IOException {
        bench = new AgentBench("""
                purpose: Sell shouting.
                skills: [dev.cyberia.bench.SkillCallsBenchmark$Shout]
                sells: [{skill: shout, price: "0.001"}]
                """);
        seller = bench.devKey("seller", 11);
        buyer = bench.devKey("buyer", 12);
        bench.devnet.fund(seller.address(), BigInteger.TEN.pow(19), BigInteger.ZERO);
        bench.devnet.fund(buyer.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000_000_000L));
        bench.store.create(
                "seller",
                seller.address(),
                "seller",
                bench.definition,
                Tier.AGENT,
                Clock.systemUTC().instant());
        bench.store.setState("seller", AgentState.RUNNING);
        Treasury treasury = Treasury.open(
                bench.db, bench.chain, bench.cyb, seller.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        var toolbox = Skills.load(List.of(Shout.class.getName()), SkillCallsBenchmark.class.getClassLoader());
        AgentRuntime runtime = new AgentRuntime(
                bench.store,
                bench.events,
                (record, def) -> new LoadedAgent(def, treasury, () -> seller, Planners.routine(), toolbox),
                (a, d, r) -> {},
                Clock.systemUTC());
        shop = SkillShop.start(0, bench.store, runtime, n -> true, Clock.systemUTC());
        url = shop.baseUri().resolve("/agents/seller/skills/shout");
        wallet = new X402Buyer(
                bench.chain.chainId(), bench.cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
    }

    @TearDown
    public void tearDown() {
        shop.close();
        seller.close();
        buyer.close();
        bench.close();
    }

    private static HttpResponse<String> post(URI url, String payment) throws IOException, InterruptedException {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}"));
        if (payment != null) {
            r.header(X402.PAYMENT_SIGNATURE, payment);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One whole hire of the shout skill at {@code url}, as the hire skill makes it: ask, pay, answer. */
    static String hire(URI url, X402Buyer wallet, Signer buyer, Amount price) throws Exception {
        HttpResponse<String> asked = post(url, null);
        X402.PaymentRequired required = X402.decodePaymentRequired(
                asked.headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
        HttpResponse<String> answer = post(url, X402.encode(wallet.pay(required, buyer, price)));
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("not served: " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    /** One whole hire: ask, pay, answer. */
    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.Throughput})
    public String hire() throws Exception {
        return hire(url, wallet, buyer, Amount.parse("0.001", bench.cyb));
    }
}
