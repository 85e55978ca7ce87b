package dev.cyberia.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Transactions and gas that 1,000 paid requests to one miner put on the chain, {@code exact}
 * against a channel: the same tiny model, buyer and miner code, on a fresh anvil; the chain's own
 * blocks are counted (every transaction in them, the miner's claims included). Not a JMH
 * benchmark: it counts, it does not time. Run from the repository root: {@code java -cp
 * bench/target/benchmarks.jar dev.cyberia.bench.GasPerThousandRequests [requests]}.
 */
public final class GasPerThousandRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GasPerThousandRequests() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path home = Files.createTempDirectory("cyberia-gas-bench");
        Devnet devnet = Devnet.at(home);
        DevnetInfo info = devnet.up(dev.cyberia.treasury.internal.Anvil.freePort());
        try {
            Chain chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
            Asset cyb = Asset.token("CYB", 6, info.token());
            Keystore keystore = Keystore.open(home);
            try (Mnemonic dev =
                    Mnemonic.parse("test test test test test test test test test test test junk".toCharArray())) {
                for (String[] k : new String[][] {{"miner", "7"}, {"exact-buyer", "8"}, {"channel-buyer", "6"}}) {
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
            try (Signer miner = unlock(keystore, "miner");
                    Signer exactBuyer = unlock(keystore, "exact-buyer");
                    Signer channelBuyer = unlock(keystore, "channel-buyer");
                    TreasuryDatabase db = TreasuryDatabase.forHome(home);
                    LocalModel model = LocalModel.open(Path.of(System.getProperty("cyberia.model", "models/tiny-chat"))
                            .toAbsolutePath())) {
                devnet.fund(exactBuyer.address(), BigInteger.ZERO, BigInteger.TEN.pow(12));
                devnet.fund(channelBuyer.address(), BigInteger.ZERO, BigInteger.TEN.pow(12));
                Treasury minerWallet =
                        Treasury.open(db, chain, cyb, miner.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
                Amount price = Amount.parse("0.01", cyb);
                try (MinerServer server = MinerServer.start(
                        MinerServer.Config.local(0, price, TokenDomain.readFrom(chain, info.token())),
                        ChatBackend.local(model),
                        minerWallet,
                        miner,
                        Clock.systemUTC())) {
                    Treasury exact = Treasury.open(
                            db, chain, cyb, exactBuyer.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
                    exact.setPolicy(exact.policy().withChannelDeposit(0));
                    Treasury channel = Treasury.open(
                            db, chain, cyb, channelBuyer.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
                    // deposits of 100 requests' worth: a top-up every hundred requests, as an agent would run
                    channel.setPolicy(channel.policy().withChannelDeposit(100));
                    report("exact", requests, chain, info, () -> buy(server, exact, exactBuyer, cyb, requests));
                    report("channel", requests, chain, info, () -> {
                        buy(server, channel, channelBuyer, cyb, requests);
                        server.claimChannels(); // the miner's claim: one transaction for all it is owed
                    });
                }
            }
        } finally {
            devnet.down();
        }
    }

    private static Signer unlock(Keystore keystore, String name) {
        return keystore.unlock(name, Passphrase.wrap("pw".toCharArray()));
    }

    private static void buy(MinerServer server, Treasury wallet, Signer key, Asset cyb, int requests) {
        MinerClient client = new MinerClient(
                server.baseUri(),
                Amount.parse("1", cyb),
                wallet.purchaser(key, dev.cyberia.treasury.PurchaseGate.NONE));
        for (int i = 0; i < requests; i++) {
            client.chat(
                    "gas:" + java.util.UUID.randomUUID(),
                    "tiny-chat",
                    List.of(Message.user("What is 2+3?")),
                    GenerationOptions.greedy(8));
        }
    }

    private static void report(String name, int requests, Chain chain, DevnetInfo info, Runnable work)
            throws Exception {
        long from = chain.blockNumber() + 1;
        long start = System.nanoTime();
        work.run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        long to = chain.blockNumber();
        long transactions = 0;
        BigInteger gas = BigInteger.ZERO;
        HttpClient http = HttpClient.newHttpClient();
        for (long b = from; b <= to; b++) {
            JsonNode block = rpc(http, info.rpcUrl(), "eth_getBlockByNumber", "0x" + Long.toHexString(b));
            transactions += block.path("transactions").size();
            gas = gas.add(new BigInteger(block.path("gasUsed").asText().substring(2), 16));
        }
        System.out.printf(
                "%-8s %d paid requests: %d transactions, %s gas (%s gas per 1,000 requests), %d ms%n",
                name,
                requests,
                transactions,
                gas,
                gas.multiply(BigInteger.valueOf(1000)).divide(BigInteger.valueOf(requests)),
                millis);
    }

    private static JsonNode rpc(HttpClient http, URI url, String method, String block) throws Exception {
        String body =
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[\"" + block + "\",false]}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("result");
    }
}
