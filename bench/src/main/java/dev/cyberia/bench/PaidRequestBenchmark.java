package dev.cyberia.bench;

import dev.cyberia.inference.GenerationOptions;
import dev.cyberia.inference.LocalModel;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.MinerClient;
import dev.cyberia.inference.MinerServer;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Kdf;
import dev.cyberia.keystore.KeyOrigin;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Mnemonic;
import dev.cyberia.keystore.Passphrase;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
 * One chat completion over loopback from the tiny model, side by side: paid with x402 {@code exact}
 * against anvil (402, policy, sign, verify, collect on chain, serve, receipt, booking); paid over an
 * x402 channel ({@code batch-settlement}: 402, policy, voucher signed and journaled, verified and
 * journaled by the miner, serve, charge committed and booked on both sides; the deposit made once,
 * in set-up); and the same request to the same model served free. The differences are what each way
 * of paying adds. Run from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PaidRequestBenchmark {
    private static final String BODY =
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"max_tokens\":8}";

    private Devnet devnet;
    private LocalModel model;
    private TreasuryDatabase minerDb;
    private TreasuryDatabase buyerDb;
    private Signer minerKey;
    private Signer buyerKey;
    private MinerServer paid;
    private MinerServer free;
    private MinerClient client;
    private MinerClient channelClient;
    private TreasuryDatabase channelBuyerDb;
    private Signer channelBuyerKey;
    private HttpClient http;

    @Setup
    public void setUp() throws IOException {
        Path home = Files.createTempDirectory("cyberia-paid-bench");
        devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
        Chain chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        Asset cyb = Asset.token("CYB", 6, info.token());
        Keystore keystore = Keystore.open(home);
        try (Mnemonic dev =
                Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
            for (String[] k : new String[][] {{"miner", "7"}, {"buyer", "8"}, {"channel-buyer", "6"}}) {
                keystore.importMnemonic(
                        k[0],
                        dev,
                        Passphrase.empty(),
                        DerivationPath.ethereum(Integer.parseInt(k[1])),
                        Passphrase.wrap("pw".toCharArray()),
                        Kdf.LIGHT,
                        KeyOrigin.MNEMONIC);
            }
        }
        minerKey = keystore.unlock("miner", Passphrase.wrap("pw".toCharArray()));
        buyerKey = keystore.unlock("buyer", Passphrase.wrap("pw".toCharArray()));
        devnet.fund(buyerKey.address(), BigInteger.ZERO, BigInteger.TEN.pow(12));
        channelBuyerKey = keystore.unlock("channel-buyer", Passphrase.wrap("pw".toCharArray()));
        devnet.fund(channelBuyerKey.address(), BigInteger.ZERO, BigInteger.TEN.pow(12));
        minerDb = TreasuryDatabase.forHome(home.resolve("miner"));
        buyerDb = TreasuryDatabase.forHome(home.resolve("buyer"));
        Treasury minerWallet =
                Treasury.open(minerDb, chain, cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        Treasury buyerWallet =
                Treasury.open(buyerDb, chain, cyb, buyerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        buyerWallet.setPolicy(buyerWallet.policy().withChannelDeposit(0)); // always exact
        channelBuyerDb = TreasuryDatabase.forHome(home.resolve("channel-buyer"));
        Treasury channelWallet = Treasury.open(
                channelBuyerDb, chain, cyb, channelBuyerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        // one deposit for the whole run: a million requests' worth
        channelWallet.setPolicy(channelWallet.policy().withChannelDeposit(1_000_000));
        model = LocalModel.open(
                Path.of(System.getProperty("cyberia.model", "models/tiny-chat")).toAbsolutePath());
        TokenDomain domain = TokenDomain.readFrom(chain, info.token());
        paid = MinerServer.start(
                MinerServer.Config.local(0, Amount.parse("0.01", cyb), domain),
                dev.cyberia.inference.ChatBackend.local(model),
                minerWallet,
                minerKey,
                Clock.systemUTC());
        free = MinerServer.start(
                MinerServer.Config.local(0, Amount.zero(cyb), domain),
                dev.cyberia.inference.ChatBackend.local(model),
                minerWallet,
                minerKey,
                Clock.systemUTC());
        client = new MinerClient(
                paid.baseUri(),
                Amount.parse("1", cyb),
                buyerWallet.purchaser(buyerKey, dev.cyberia.treasury.PurchaseGate.NONE));
        channelClient = new MinerClient(
                paid.baseUri(),
                Amount.parse("1", cyb),
                channelWallet.purchaser(channelBuyerKey, dev.cyberia.treasury.PurchaseGate.NONE));
        channelRequest(); // opens the channel: its deposit is not what is measured
        http = HttpClient.newHttpClient();
    }

    @TearDown
    public void tearDown() {
        paid.close();
        free.close();
        model.close();
        minerDb.close();
        buyerDb.close();
        channelBuyerDb.close();
        devnet.down();
    }

    @Benchmark
    public String paidRequest() {
        return client.chat(
                        "bench:" + java.util.UUID.randomUUID(),
                        "tiny-chat",
                        List.of(Message.user("What is 2+3?")),
                        GenerationOptions.greedy(8))
                .text();
    }

    @Benchmark
    public String channelRequest() {
        return channelClient
                .chat(
                        "bench:" + java.util.UUID.randomUUID(),
                        "tiny-chat",
                        List.of(Message.user("What is 2+3?")),
                        GenerationOptions.greedy(8))
                .text();
    }

    @Benchmark
    public String unpaidRequest() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(free.baseUri() + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("free server answered " + r.statusCode());
        }
        return r.body();
    }
}
