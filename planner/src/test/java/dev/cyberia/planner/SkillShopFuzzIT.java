package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import dev.cyberia.treasury.X402Mutations;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes an agent's skill shop — the list and a sold skill — on a real anvil, as
 * {@code MinerFuzzIT} does a miner: requests derived from each genuine payment first, bad
 * arguments, odd paths and methods; then the genuine payment. No 5xx, no dropped connection,
 * nothing served unpaid (one run of the skill per settled payment), the genuine payment still
 * served, and the seller's books equal the chain. {@code -Dcyberia.fuzz.payments=N} runs more.
 */
class SkillShopFuzzIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SELLER = """
            purpose: Sell shouting.
            skills: [dev.cyberia.planner.ShoutSkill]
            sells: [{skill: shout, price: "0.01"}]
            """;
    static Testbed bed;
    static Signer buyer;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
        buyer = bed.devKey("buyer", 9);
        bed.devnet.fund(buyer.address(), BigInteger.ZERO, BigInteger.valueOf(1_000_000_000_000L));
    }

    @AfterAll
    static void stop() {
        buyer.close();
        bed.close();
    }

    record Answer(int status, String body, String paymentRequired) {}

    static Answer send(String method, URI url, String body, String payment) {
        HttpRequest.Builder r = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (payment != null) {
            r.header(X402.PAYMENT_SIGNATURE, payment);
        }
        try {
            HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers() + response.body())
                    .as("no secret in any answer")
                    .doesNotContain(Testbed.DEV_MNEMONIC)
                    .doesNotContain(
                            "4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"); // the seller's key
            return new Answer(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue(X402.PAYMENT_REQUIRED).orElse(null));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("the shop dropped the connection for " + method + " " + url, e);
        }
    }

    @Test
    void hostileRequests_neverGetServedUnpaid_never5xx_andNeverSpoilTheGenuinePayment() throws Exception {
        int payments = Integer.getInteger("cyberia.fuzz.payments", 30);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        System.out.println("SkillShopFuzzIT seed " + seed + ", " + payments + " payments");
        Random random = new Random(seed);
        X402Buyer signing = new X402Buyer(
                bed.chain.chainId(), bed.cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
        try (Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, agent.store, agent.runtime, n -> true, Clock.systemUTC())) {
            agent.store.setState("a", AgentState.RUNNING);
            URI url = shop.baseUri().resolve("/agents/a/skills/shout");
            Amount before = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            List<String> badArguments = List.of(
                    "not json",
                    "[]",
                    "{}",
                    "{\"text\": 5}",
                    "{\"text\":\"x\",\"times\":\"many\"}",
                    "{\"text\":\"x\",\"extra\":1}",
                    "[".repeat(20_000),
                    "{\"text\":\"" + "x".repeat(70_000) + "\"}",
                    "{\"text\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
            int requests = 0;
            for (int p = 0; p < payments; p++) {
                String args = "{\"text\": \"hi" + p + "\", \"times\": 1}";
                Answer asked = send("POST", url, args, null);
                requests++;
                assertThat(asked.status()).isEqualTo(402);
                String genuine = X402.encode(signing.pay(
                        X402.decodePaymentRequired(asked.paymentRequired()), buyer, Amount.parse("1", bed.cyb)));
                for (String hostile :
                        X402Mutations.derivedFrom(genuine, buyer.address(), bed.signer.address(), random)) {
                    Answer a = send("POST", url, args, hostile);
                    requests++;
                    assertThat(a.status()).as("no 5xx: %s", a.body()).isLessThan(500);
                }
                String bad = badArguments.get(random.nextInt(badArguments.size()));
                Answer refused = send("POST", url, bad, genuine);
                requests++;
                assertThat(refused.status())
                        .as("bad arguments are refused before the payment is used")
                        .isBetween(400, 499);
                Answer g = send("POST", url, args, genuine);
                requests++;
                assertThat(g.status())
                        .as("the genuine payment is still accepted: %s", g.body())
                        .isEqualTo(200);
                assertThat(JSON.readTree(g.body()).path("result").asText()).isEqualTo("HI" + p);
                String method = List.of("GET", "PUT", "DELETE", "PATCH").get(random.nextInt(4));
                URI odd = shop.baseUri()
                        .resolve(List.of(
                                        "/agents/a/skills",
                                        "/agents/a/skills/shout/x",
                                        "/agents/zz/skills",
                                        "/agents//skills",
                                        "/agents/a/skills/%00")
                                .get(random.nextInt(5)));
                Answer elsewhere = send(method, odd, random.nextBoolean() ? null : "junk", genuine);
                requests++;
                assertThat(elsewhere.status()).isLessThan(500);
            }
            long shouted = agent.eventJson.stream()
                    .filter(j -> j.contains("\"type\":\"ToolResult\"")
                            && j.contains("\"tool\":\"shout\"")
                            && j.contains("DONE"))
                    .count();
            assertThat(shouted).as("the skill ran once per payment").isEqualTo(payments);
            assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                    .isEqualTo(before.plus(Amount.ofBaseUnits(bed.cyb, BigInteger.valueOf(10_000L * payments))));
            long income = agent.treasury.ledger().stream()
                    .filter(e -> e.account().equals("income:services"))
                    .map(LedgerEntry::postingId)
                    .distinct()
                    .count();
            assertThat(income).as("booked once per payment").isEqualTo(payments);
            System.out.println(
                    "SkillShopFuzzIT: " + requests + " requests, " + payments + " payments, no 5xx, nothing unpaid");
        }
    }

    @Test
    void theSkillList_answersEveryStrangerWithout5xx() throws IOException {
        int count = Integer.getInteger("cyberia.fuzz.listings", 2_000);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        try (Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, agent.store, agent.runtime, n -> true, Clock.systemUTC())) {
            agent.store.setState("a", AgentState.RUNNING);
            List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
            List<String> paths = List.of(
                    "/agents/a/skills",
                    "/agents/a/skills/",
                    "/agents/A/skills",
                    "/agents/%00/skills",
                    "/agents/../skills",
                    "/agents/a/skills?x=" + "y".repeat(3000),
                    "/agents/" + "a".repeat(4000) + "/skills",
                    "/agents",
                    "/agents/a",
                    "/agents/a/skills/shout/more/parts");
            for (int i = 0; i < count; i++) {
                String method = methods.get(random.nextInt(methods.size()));
                Answer a = send(
                        method,
                        shop.baseUri().resolve(paths.get(random.nextInt(paths.size()))),
                        method.equals("HEAD") || random.nextBoolean() ? null : "x".repeat(random.nextInt(100)),
                        random.nextBoolean() ? null : X402Mutations.b64("{\"x402Version\":" + random.nextInt() + "}"));
                assertThat(a.status()).isLessThan(500);
            }
            System.out.println("SkillShopFuzzIT list: " + count + " requests (seed " + seed + "), no 5xx");
        }
    }
}
