package dev.cyberia.bench;

import dev.cyberia.inference.ChatBackend;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Paid requests per second to one miner over channels: each benchmark thread is a buyer with its
 * own key, journal and channel (opened in set-up), all buying from one miner serving the tiny model
 * on loopback, against anvil. Run from the repository root; {@code -t N} sets the number of buyers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChannelThroughputBenchmark {

    /** The devnet, the miner and its model, shared by every buyer. */
    @State(Scope.Benchmark)
    public static class Market {
        Path home;
        Devnet devnet;
        Chain chain;
        Asset cyb;
        Keystore keystore;
        LocalModel model;
        TreasuryDatabase minerDb;
        MinerServer miner;
        final AtomicInteger buyers = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            home = Files.createTempDirectory("cyberia-channel-throughput");
            devnet = Devnet.at(home);
            DevnetInfo info = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
            chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
            cyb = Asset.token("CYB", 6, info.token());
            keystore = Keystore.open(home);
            importKey("miner", 7);
            Signer minerKey = unlock("miner");
            minerDb = TreasuryDatabase.forHome(home.resolve("miner"));
            model = LocalModel.open(Path.of(System.getProperty("cyberia.model", "models/tiny-chat"))
                    .toAbsolutePath());
            miner = MinerServer.start(
                    MinerServer.Config.local(0, Amount.parse("0.01", cyb), TokenDomain.readFrom(chain, info.token())),
                    ChatBackend.local(model),
                    Treasury.open(minerDb, chain, cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT),
                    minerKey,
                    Clock.systemUTC());
        }

        synchronized void importKey(String name, int index) {
            try (Mnemonic dev =
                    Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
                keystore.importMnemonic(
                        name,
                        dev,
                        Passphrase.empty(),
                        DerivationPath.ethereum(index),
                        Passphrase.wrap("pw".toCharArray()),
                        Kdf.LIGHT,
                        KeyOrigin.MNEMONIC);
            }
        }

        synchronized Signer unlock(String name) {
            return keystore.unlock(name, Passphrase.wrap("pw".toCharArray()));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            miner.close();
            model.close();
            minerDb.close();
            devnet.down();
        }
    }

    /** One buyer per thread: its own key, journal and channel to the miner. */
    @State(Scope.Thread)
    public static class Buyer {
        TreasuryDatabase db;
        MinerClient client;

        @Setup(Level.Trial)
        public void setUp(Market market) {
            int n = market.buyers.incrementAndGet();
            String name = "buyer" + n;
            market.importKey(name, 20 + n);
            Signer key = market.unlock(name);
            market.devnet.fund(key.address(), BigInteger.ZERO, BigInteger.TEN.pow(12));
            db = TreasuryDatabase.forHome(market.home.resolve(name));
            Treasury wallet = Treasury.open(
                    db, market.chain, market.cyb, key.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            wallet.setPolicy(wallet.policy().withChannelDeposit(1_000_000)); // one deposit for the run
            client = new MinerClient(
                    market.miner.baseUri(),
                    Amount.parse("1", market.cyb),
                    wallet.purchaser(key, dev.cyberia.treasury.PurchaseGate.NONE));
            buy(); // opens the channel: its deposit is not measured
        }

        String buy() {
            return client.chat(
                            "throughput:" + java.util.UUID.randomUUID(),
                            "tiny-chat",
                            List.of(Message.user("What is 2+3?")),
                            GenerationOptions.greedy(8))
                    .text();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            db.close();
        }
    }

    @Benchmark
    public String paidOverChannels(Buyer buyer) {
        return buyer.buy();
    }
}
