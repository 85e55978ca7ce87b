package dev.cyberia.bench;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.DerivationPath;
import dev.cyberia.keystore.Eip1559Transaction;
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
import dev.cyberia.treasury.Fees;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.PaymentRequest;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.http.HttpService;

/**
 * Confirmed CYB transfers per second from one wallet against anvil (automine): through
 * {@link Treasury#pay} from 16 threads (journal, policy, nonce manager, durable H2 commits, receipt
 * and ledger booking per payment), against the same kind of pre-signed transfers sent straight
 * through web3j from one thread and then awaited. Target: at least 0.8 of web3j.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TransferThroughputBenchmark.BATCH)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TransferThroughputBenchmark {
    static final int BATCH = 100;

    private Path home;
    private Devnet devnet;
    private Chain chain;
    private Asset cyb;
    private TreasuryDatabase db;
    private Treasury treasury;
    private Signer signer;
    private Address payee;
    private Web3j web3j;
    private ExecutorService pool;
    private final AtomicLong keys = new AtomicLong();
    private List<String> presigned;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        home = Files.createTempDirectory("cyberia-throughput");
        devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        Keystore keystore = Keystore.open(home);
        try (Mnemonic dev =
                Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
            keystore.importMnemonic(
                    "payer",
                    dev,
                    Passphrase.empty(),
                    DerivationPath.ethereum(1),
                    Passphrase.wrap("bench".toCharArray()),
                    Kdf.LIGHT,
                    KeyOrigin.MNEMONIC);
        }
        signer = keystore.unlock("payer", Passphrase.wrap("bench".toCharArray()));
        payee = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        devnet.fund(signer.address(), BigInteger.ZERO, BigInteger.TEN.pow(15));
        db = TreasuryDatabase.forHome(home); // an H2 file with durable commits, as in production
        treasury = Treasury.open(db, chain, cyb, signer.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        web3j = Web3j.build(new HttpService(info.rpcUrl().toString()));
        pool = Executors.newFixedThreadPool(16);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
        web3j.shutdown();
        signer.close();
        db.close();
        devnet.down();
    }

    @Benchmark
    public int treasuryPayPipelined() throws Exception {
        List<Future<Payment>> futures = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            String key = "bench-" + keys.incrementAndGet();
            futures.add(pool.submit(() -> treasury.pay(
                    new PaymentRequest(key, payee, Amount.parse("0.01", cyb), "expenses:transfers"), signer)));
        }
        int confirmed = 0;
        for (Future<Payment> f : futures) {
            Payment p = f.get();
            if (!(p.state() instanceof PaymentState.Confirmed)) {
                throw new IllegalStateException("payment not confirmed: " + p.state());
            }
            confirmed++;
        }
        return confirmed;
    }

    /** Signs the web3j batch outside the measurement: the same transfer, consecutive nonces. */
    @Setup(Level.Invocation)
    public void presign() {
        BigInteger nonce = chain.nonce(signer.address(), true);
        Fees fees = chain.suggestFees();
        byte[] data = dev.cyberia.treasury.internal.Erc20.transferData(payee, BigInteger.valueOf(10_000));
        presigned = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            presigned.add(signer.signTransaction(new Eip1559Transaction(
                            Devnet.CHAIN_ID,
                            nonce.add(BigInteger.valueOf(i)),
                            fees.maxPriorityFeePerGas(),
                            fees.maxFeePerGas(),
                            BigInteger.valueOf(80_000),
                            cyb.token().orElseThrow(),
                            BigInteger.ZERO,
                            data))
                    .rawHex());
        }
    }

    @Benchmark
    public int web3jPresignedSequential() throws Exception {
        String last = null;
        for (String raw : presigned) {
            EthSendTransaction sent = web3j.ethSendRawTransaction(raw).send();
            if (sent.hasError()) {
                throw new IllegalStateException(sent.getError().getMessage());
            }
            last = sent.getTransactionHash();
        }
        while (web3j.ethGetTransactionReceipt(last)
                .send()
                .getTransactionReceipt()
                .isEmpty()) {
            Thread.sleep(5);
        }
        return presigned.size();
    }
}
