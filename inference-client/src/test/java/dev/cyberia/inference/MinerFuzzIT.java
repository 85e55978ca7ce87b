package dev.cyberia.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Keystore;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.Chain;
import dev.cyberia.treasury.Devnet;
import dev.cyberia.treasury.DevnetInfo;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.TestDatabases;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import dev.cyberia.treasury.X402Mutations;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what a stranger can reach on a miner — {@code POST /v1/chat/completions} with hostile
 * {@code PAYMENT-SIGNATURE} headers and bodies, and {@code /v1/models} — on a real anvil. For each
 * genuine payment, many requests derived from it (flipped, truncated, re-encoded, every field
 * changed, signatures in other encodings, other versions and offers) go first, then the genuine
 * one. Invariants: no 5xx and no dropped connection; nothing is served unpaid (every answer with
 * a new generation matches one settlement on chain); the genuine payment is still accepted and
 * served, once; and the miner's books equal the chain. {@code -Dcyberia.fuzz.payments=N} runs
 * more (about 30 requests per payment); the seed is printed and {@code -Dcyberia.fuzz.seed=S}
 * replays it.
 */
class MinerFuzzIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Path home;
    static Devnet devnet;
    static Chain chain;
    static Asset cyb;
    static Signer minerKey;
    static Signer buyerKey;
    static TreasuryDatabase minerDb;
    static Treasury minerWallet;
    static LocalModel model;
    static MinerServer miner;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        home = Files.createTempDirectory("cyberia-miner-fuzz");
        devnet = Devnet.at(home);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DevnetInfo info = devnet.up(port);
        chain = Chain.connect(info.rpcUrl(), Devnet.CHAIN_ID);
        cyb = Asset.token("CYB", 6, info.token());
        Keystore keystore = Keystore.open(home);
        minerKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "miner", 5);
        buyerKey = dev.cyberia.treasury.DevKeys.unlock(keystore, "buyer", 6);
        devnet.fund(buyerKey.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000_000_000L));
        minerDb = TestDatabases.fresh();
        minerWallet =
                Treasury.open(minerDb, chain, cyb, minerKey.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
        model = LocalModel.open(LocalModelTest.TINY);
        miner = MinerServer.start(
                MinerServer.Config.local(
                        0,
                        Amount.parse("0.01", cyb),
                        new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token())),
                ChatBackend.local(model),
                minerWallet,
                minerKey,
                Clock.systemUTC());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        miner.close();
        model.close();
        minerDb.close();
        devnet.down();
    }

    private static final String ASK =
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+3?\"}],\"max_tokens\":4}";

    record Answer(int status, String body) {}

    private static Answer send(String method, String path, String body, String payment) {
        HttpRequest.Builder r = HttpRequest.newBuilder(miner.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (payment != null) {
            r.header(X402.PAYMENT_SIGNATURE, payment);
        }
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            String everything = response.headers() + response.body();
            assertThat(everything)
                    .as("no secret in any answer")
                    .doesNotContain("test test test test")
                    .doesNotContain(
                            "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba") // the miner's key
                    .doesNotContain("92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"); // the buyer's
            return new Answer(response.statusCode(), response.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(
                    "the miner dropped the connection for " + method + " " + path + " with "
                            + (payment == null ? "no payment" : payment.substring(0, Math.min(80, payment.length()))),
                    e);
        }
    }

    private static final List<String> BODIES = List.of(
            "not json",
            "{}",
            "{\"model\":\"tiny-chat\"}",
            "{\"model\":\"other\",\"messages\":[]}",
            "{\"model\":\"tiny-chat\",\"messages\":\"no\"}",
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(300) + "\"}]}",
            "[".repeat(50_000),
            "{\"model\":\"tiny-chat\",\"messages\":[" + "[".repeat(3000) + "]".repeat(3000) + "]}",
            "x".repeat(70_000),
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-5}",
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":{\"a\":1}}],\"max_tokens\":\"9\"}");

    @Test
    void hostileRequests_neverGetServedUnpaid_never5xx_andNeverSpoilTheGenuinePayment() throws Exception {
        int payments = Integer.getInteger("cyberia.fuzz.payments", 40);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        System.out.println("MinerFuzzIT seed " + seed + ", " + payments + " payments");
        Random random = new Random(seed);
        X402Buyer signing =
                new X402Buyer(Devnet.CHAIN_ID, cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
        Amount minerBefore = chain.balanceOf(cyb, minerKey.address());
        Set<String> generations = new HashSet<>();
        int requests = 0;
        for (int p = 0; p < payments; p++) {
            Answer asked = send("POST", "/v1/chat/completions", ASK, null);
            requests++;
            assertThat(asked.status()).isEqualTo(402);
            X402.PaymentRequired required = X402.decodePaymentRequired(http.send(
                            HttpRequest.newBuilder(miner.baseUri().resolve("/v1/chat/completions"))
                                    .POST(HttpRequest.BodyPublishers.ofString(ASK))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .headers()
                    .firstValue(X402.PAYMENT_REQUIRED)
                    .orElseThrow());
            String genuine = X402.encode(signing.pay(required, buyerKey, Amount.parse("1", cyb)));
            for (String hostile : X402Mutations.derivedFrom(genuine, buyerKey.address(), minerKey.address(), random)) {
                Answer a = send("POST", "/v1/chat/completions", ASK, hostile);
                requests++;
                assertThat(a.status())
                        .as("no 5xx for %s", hostile.length() > 100 ? hostile.substring(0, 100) : hostile)
                        .isLessThan(500);
                if (a.status() == 200) {
                    generations.add(JSON.readTree(a.body()).path("id").asText());
                }
            }
            String body = BODIES.get(random.nextInt(BODIES.size()));
            Answer wrongBody = send("POST", "/v1/chat/completions", body, genuine);
            requests++;
            assertThat(wrongBody.status())
                    .as(
                            "a bad request is refused before the payment is used: %s",
                            body.substring(0, Math.min(60, body.length())))
                    .isBetween(400, 499);
            Answer g = send("POST", "/v1/chat/completions", ASK, genuine);
            requests++;
            assertThat(g.status())
                    .as("the genuine payment is still accepted: %s", g.body())
                    .isEqualTo(200);
            generations.add(JSON.readTree(g.body()).path("id").asText());
            String method = List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS").get(random.nextInt(5));
            Answer models = send(
                    method,
                    List.of("/v1/models", "/v1/models/x", "/v1//models", "/v1/models?x=%00")
                            .get(random.nextInt(4)),
                    random.nextBoolean() ? null : "junk",
                    genuine);
            requests++;
            assertThat(models.status()).isLessThan(500);
        }
        Amount earned = chain.balanceOf(cyb, minerKey.address()).minusOrZero(minerBefore);
        assertThat(generations)
                .as("every answer is one settled payment, and each payment is served once")
                .hasSize(payments);
        assertThat(earned).isEqualTo(Amount.ofBaseUnits(cyb, BigInteger.valueOf(10_000L * payments)));
        long income = minerWallet.ledger().stream()
                .filter(e -> e.account().equals("income:inference"))
                .map(LedgerEntry::postingId)
                .distinct()
                .count();
        assertThat(income).as("booked once per payment").isEqualTo(payments);
        System.out.println("MinerFuzzIT: " + requests + " requests, " + payments + " payments, no 5xx, nothing unpaid");
    }

    @Test
    void theModelsList_answersEveryStrangerWithout5xx() {
        int count = Integer.getInteger("cyberia.fuzz.listings", 2_000);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
        List<String> paths = List.of(
                "/v1/models",
                "/v1/models/",
                "/v1/models/tiny-chat",
                "/v1/models?x=%00",
                "/v1//models",
                "/v1/models/" + "a".repeat(5000),
                "/v1/models/%2e%2e/%2e%2e/etc/passwd",
                "/v1/models;x=1");
        for (int i = 0; i < count; i++) {
            String method = methods.get(random.nextInt(methods.size()));
            Answer a = send(
                    method,
                    paths.get(random.nextInt(paths.size())),
                    method.equals("HEAD") || random.nextBoolean() ? null : "x".repeat(random.nextInt(100)),
                    random.nextBoolean() ? null : X402Mutations.b64("{\"x402Version\":" + random.nextInt() + "}"));
            assertThat(a.status()).isLessThan(500);
        }
        System.out.println("MinerFuzzIT /v1/models: " + count + " requests (seed " + seed + "), no 5xx");
    }
}
