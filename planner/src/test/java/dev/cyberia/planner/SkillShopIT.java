package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.OfferDraft;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An agent selling a skill over x402 on a real anvil; a buyer paying, replaying, underpaying. */
class SkillShopIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String SELLER = """
            purpose: Sell shouting.
            skills: [dev.cyberia.planner.ShoutSkill]
            sells: [{skill: shout, price: "0.05"}, {skill: crash, price: "0.05"}]
            """;
    static Testbed bed;
    static Signer buyer;
    static X402Buyer wallet;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
        buyer = bed.devKey("buyer", 9);
        bed.devnet.fund(buyer.address(), BigInteger.ZERO, BigInteger.valueOf(10_000_000));
        wallet = new X402Buyer(
                bed.chain.chainId(), bed.cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
    }

    @AfterAll
    static void stop() {
        buyer.close();
        bed.close();
    }

    static HttpResponse<String> post(URI url, String body, String payment) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body));
        if (payment != null) {
            r.header(X402.PAYMENT_SIGNATURE, payment);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSoldSkill_isListed_askedFor_paid_served_andBooked() throws Exception {
        try (Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, agent.store, agent.runtime, n -> true, Clock.systemUTC())) {
            agent.store.setState("a", AgentState.RUNNING);
            JsonNode list = JSON.readTree(HTTP.send(
                            HttpRequest.newBuilder(shop.baseUri().resolve("/agents/a/skills"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            JsonNode shout = list.path("skills").get(0);
            assertThat(shout.path("name").asText()).isEqualTo("shout");
            assertThat(shout.path("price").asText()).isEqualTo("0.05");
            assertThat(shout.path("network").asText()).isEqualTo("eip155:31337");
            assertThat(shout.path("arguments")
                            .path("properties")
                            .path("times")
                            .path("type")
                            .asText())
                    .isEqualTo("integer");
            URI url = URI.create(shout.path("url").asText());

            HttpResponse<String> badArgs = post(url, "{\"text\": 5, \"times\": 1}", null);
            assertThat(badArgs.statusCode()).isEqualTo(400);
            assertThat(badArgs.body()).contains("'shout' argument 'text' must be string");
            assertThat(badArgs.headers().firstValue(X402.PAYMENT_REQUIRED)).isEmpty();

            String args = "{\"text\": \"hi\", \"times\": 2}";
            HttpResponse<String> unpaid = post(url, args, null);
            assertThat(unpaid.statusCode()).isEqualTo(402);
            X402.PaymentRequired required = X402.decodePaymentRequired(
                    unpaid.headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
            assertThat(required.accepts().get(0).payTo()).isEqualTo(bed.signer.address());

            Amount before = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            String payment = X402.encode(wallet.pay(required, buyer, Amount.parse("0.05", bed.cyb)));
            HttpResponse<String> paid = post(url, args, payment);
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(paid.body());
            assertThat(answer.path("result").asText()).isEqualTo("HI HI");
            assertThat(X402.decodeSettlementResponse(paid.headers()
                                    .firstValue(X402.PAYMENT_RESPONSE)
                                    .orElseThrow())
                            .success())
                    .isTrue();
            assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                    .isEqualTo(before.plus(Amount.parse("0.05", bed.cyb)));
            assertThat(agent.treasury.ledger())
                    .extracting(LedgerEntry::account, LedgerEntry::units)
                    .contains(org.assertj.core.groups.Tuple.tuple("income:services", "-0.05"));
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PaymentReceived\"") && j.contains("\"amount\":\"0.05\""));
            assertThat(agent.eventJson).anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("HI HI"));

            HttpResponse<String> again = post(url, args, payment);
            assertThat(again.statusCode())
                    .as("the same payment for the same call gets the same answer")
                    .isEqualTo(200);
            assertThat(again.body()).isEqualTo(paid.body());
            assertThat(agent.eventJson.stream()
                            .filter(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("HI HI")))
                    .as("served once")
                    .hasSize(1);
            HttpResponse<String> replay = post(url, args.replace("hi", "ho"), payment);
            assertThat(replay.statusCode())
                    .as("the same payment for another call is a replay")
                    .isEqualTo(402);
            assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                    .isEqualTo(before.plus(Amount.parse("0.05", bed.cyb)));

            X402.Requirements cheap = required.accepts().get(0);
            X402.Requirements underpriced = new X402.Requirements(
                    cheap.scheme(),
                    cheap.network(),
                    BigInteger.valueOf(10_000),
                    cheap.asset(),
                    cheap.payTo(),
                    cheap.maxTimeoutSeconds(),
                    cheap.tokenName(),
                    cheap.tokenVersion(),
                    null);
            String under = X402.encode(wallet.pay(
                    new X402.PaymentRequired(required.resource(), List.of(underpriced), null),
                    buyer,
                    Amount.parse("0.05", bed.cyb)));
            HttpResponse<String> underpaid = post(url, args, under);
            assertThat(underpaid.statusCode()).isEqualTo(402);
            assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                    .isEqualTo(before.plus(Amount.parse("0.05", bed.cyb)));

            assertThat(post(shop.baseUri().resolve("/agents/a/skills/wallet_balance"), "{}", null)
                            .statusCode())
                    .as("a skill the agent does not sell")
                    .isEqualTo(404);
        }
    }

    @Test
    void aPaidCallThatFails_isRefundedOnce_andBookedBothWays() throws Exception {
        try (Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, agent.store, agent.runtime, n -> true, Clock.systemUTC())) {
            agent.store.setState("a", AgentState.RUNNING);
            URI url = shop.baseUri().resolve("/agents/a/skills/crash");
            String args = "{\"text\": \"boom\"}";
            Amount buyerBefore = bed.chain.balanceOf(bed.cyb, buyer.address());
            Amount sellerBefore = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            X402.PaymentRequired required = X402.decodePaymentRequired(post(url, args, null)
                    .headers()
                    .firstValue(X402.PAYMENT_REQUIRED)
                    .orElseThrow());
            String payment = X402.encode(wallet.pay(required, buyer, Amount.parse("0.05", bed.cyb)));
            HttpResponse<String> paid = post(url, args, payment);
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(paid.body());
            assertThat(answer.path("outcome").asText()).isEqualTo("FAILED");
            assertThat(answer.path("result").asText()).contains("the crash skill broke on 'boom'");
            assertThat(answer.path("refund").path("state").asText()).isEqualTo("CONFIRMED");
            assertThat(answer.path("refund").path("amount").asText()).isEqualTo("0.05 CYB");

            assertThat(bed.chain.balanceOf(bed.cyb, buyer.address())).isEqualTo(buyerBefore);
            assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address())).isEqualTo(sellerBefore);
            assertThat(agent.treasury.ledger())
                    .extracting(LedgerEntry::account, LedgerEntry::units)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("income:services", "-0.05"),
                            org.assertj.core.groups.Tuple.tuple("expenses:refunds", "0.05"));
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PaymentSent\"")
                            && j.contains("\"purpose\":\"expenses:refunds\"")
                            && j.contains(buyer.address().toString()));

            assertThat(agent.events.salesSince("a", java.time.Instant.EPOCH))
                    .as("a refunded call is no paid job on the ladder")
                    .isZero();

            HttpResponse<String> again = post(url, args, payment);
            assertThat(again.body())
                    .as("the same payment for the same call gets the same answer, not a second run or refund")
                    .isEqualTo(paid.body());
            HttpResponse<String> replay = post(url, args.replace("boom", "bang"), payment);
            assertThat(replay.statusCode())
                    .as("a replay for another call is neither served nor refunded")
                    .isEqualTo(402);
            assertThat(bed.chain.balanceOf(bed.cyb, buyer.address())).isEqualTo(buyerBefore);
        }
    }

    @Test
    void anAgentHiresAnotherAgentsSkill_throughTheGate_payingOnce_andBooksIt() throws Exception {
        try (Testbed.Agent seller = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, seller.store, seller.runtime, n -> true, Clock.systemUTC())) {
            seller.store.setState("a", AgentState.RUNNING);
            String url = shop.baseUri() + "/agents/a/skills/shout";
            String hirer = """
                    purpose: Get shouting done.
                    policy:
                      httpHosts: [127.0.0.1]
                      payees: ["%s"]
                    routine:
                      - skill: hire
                        args: {skill: "%s", arguments: "{\\"text\\": \\"hey\\", \\"times\\": 1}", maxPrice: "0.1"}
                      - skill: hire
                        args: {skill: "%s", arguments: "{\\"text\\": \\"no\\", \\"times\\": 1}", maxPrice: "0.01"}
                    """.formatted(bed.signer.address(), url, url);
            Amount sellerBefore = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            try (Testbed.Agent buyerAgent = bed.new Agent(hirer, Planners.routine(), buyer)) {
                var report = buyerAgent.tick();
                assertThat(report.spent()).isEqualTo(Amount.parse("0.05", bed.cyb));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("HEY"));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ServiceBought\"") && j.contains("\"amount\":\"0.05\""));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(
                                j -> j.contains("\"outcome\":\"REFUSED\"") && j.contains("above the cap of 0.01 CYB"));
                assertThat(buyerAgent.treasury.ledger())
                        .extracting(LedgerEntry::account, LedgerEntry::units)
                        .contains(org.assertj.core.groups.Tuple.tuple("expenses:services", "0.05"));
                shop.claimChannels(); // paid over a channel: the seller's money arrives with its claim
                assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                        .isEqualTo(sellerBefore.plus(Amount.parse("0.05", bed.cyb)));
            }
        }
    }

    @Test
    void anAgentHiresBySkillName_theCheapestSellerInTheMarket_andNeverAnOfferThatLiesAboutItsPayee() throws Exception {
        try (Testbed.Agent seller = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, seller.store, seller.runtime, n -> true, Clock.systemUTC());
                Signer liar = bed.devKey("liar", 6)) {
            seller.store.setState("a", AgentState.RUNNING);
            URI url = shop.baseUri().resolve("/agents/a/skills/shout");
            Offer honest = bed.market.publish(
                    new OfferDraft(Offer.Kind.SKILL, "a/shout", url, Amount.parse("0.05", bed.cyb)),
                    seller.treasury,
                    bed.signer);
            // a cheaper offer from another address, pointing at the same seller: its payee is not the offerer
            Treasury liarWallet = Treasury.open(
                    seller.db, bed.chain, bed.cyb, liar.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            Offer lie = bed.market.publish(
                    new OfferDraft(Offer.Kind.SKILL, "z/shout", url, Amount.parse("0.04", bed.cyb)), liarWallet, liar);
            String hirer = """
                    purpose: Get shouting done, from whoever sells it.
                    policy:
                      httpHosts: [127.0.0.1]
                      payees: ["%s", "%s"]
                    routine:
                      - skill: market_offers
                        args: {kind: skill, contains: shout}
                      - skill: hire
                        args: {skill: "shout", arguments: "{\\"text\\": \\"market\\", \\"times\\": 1}", maxPrice: "0.1"}
                    """.formatted(bed.signer.address(), liar.address());
            Amount sellerBefore = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            try (Testbed.Agent buyerAgent = bed.new Agent(hirer, Planners.routine(), buyer)) {
                buyerAgent.tick();
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"tool\":\"market_offers\"")
                                && j.contains("z/shout for 0.04 CYB at " + url)
                                && j.contains("a/shout for 0.05 CYB at " + url));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"outcome\":\"REFUSED\"")
                                && j.contains("may be paid for this (its market listing)"));
                assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address())).isEqualTo(sellerBefore);

                bed.market.withdraw(lie.id(), liarWallet, liar);
                var report = buyerAgent.tick();
                assertThat(report.spent()).as("%s", buyerAgent.eventJson).isEqualTo(Amount.parse("0.05", bed.cyb));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("MARKET"));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ServiceBought\"") && j.contains(url.toString()));
                shop.claimChannels(); // paid over a channel: the seller's money arrives with its claim
                assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                        .isEqualTo(sellerBefore.plus(Amount.parse("0.05", bed.cyb)));
            } finally {
                bed.market.withdraw(honest.id(), seller.treasury, bed.signer);
            }
        }
    }

    @Test
    void hiringASellerOffThePayeeAllowlist_isDeniedBeforeAnythingIsSigned() throws Exception {
        try (Testbed.Agent seller = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, seller.store, seller.runtime, n -> true, Clock.systemUTC())) {
            seller.store.setState("a", AgentState.RUNNING);
            String hirer = """
                    purpose: Get shouting done.
                    policy:
                      httpHosts: [127.0.0.1]
                      payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
                    routine:
                      - skill: hire
                        args: {skill: "%s/agents/a/skills/shout", arguments: "{\\"text\\": \\"x\\", \\"times\\": 1}", maxPrice: "0.1"}
                    """.formatted(shop.baseUri());
            Amount sellerBefore = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            try (Testbed.Agent buyerAgent = bed.new Agent(hirer, Planners.routine(), buyer)) {
                buyerAgent.tick();
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"PolicyDenied\"") && j.contains("payee allowlist"));
                assertThat(buyerAgent.eventTypes).doesNotContain("ServiceBought");
                assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address())).isEqualTo(sellerBefore);
            }
        }
    }

    @Test
    void sellingEnough_promotesTheSeller_withATierChangedEvent() throws Exception {
        dev.cyberia.agentcore.Ladder quick = dev.cyberia.agentcore.Ladder.parse("""
                evaluateEvery: 1s
                tiers:
                  AUTOMATON: {maxPerTick: "0.5", maxPerDay: "5", listedPayeesOnly: true}
                  AGENT: {maxPerTick: "2", maxPerDay: "20"}
                  OWNER: {maxPerTick: "10", maxPerDay: "100"}
                promote:
                  AGENT: {minAge: 0s, window: 1h, minNetIncome: "0.05", minPaidJobs: 1, maxViolations: 0}
                """, "test ladder");
        try (Testbed.Agent seller = bed.new Agent(SELLER, Planners.routine(), bed.signer, quick);
                SkillShop shop = SkillShop.start(0, seller.store, seller.runtime, n -> true, Clock.systemUTC())) {
            seller.store.setState("a", AgentState.RUNNING);
            seller.tick();
            assertThat(seller.store.get("a").tier()).isEqualTo(dev.cyberia.agentcore.Tier.AUTOMATON);
            URI url = shop.baseUri().resolve("/agents/a/skills/shout");
            String args = "{\"text\": \"up\", \"times\": 1}";
            X402.PaymentRequired required = X402.decodePaymentRequired(post(url, args, null)
                    .headers()
                    .firstValue(X402.PAYMENT_REQUIRED)
                    .orElseThrow());
            HttpResponse<String> paid =
                    post(url, args, X402.encode(wallet.pay(required, buyer, Amount.parse("0.05", bed.cyb))));
            assertThat(paid.statusCode()).isEqualTo(200);
            Thread.sleep(1100); // the ladder is evaluated at most once a second here
            seller.tick();
            assertThat(seller.store.get("a").tier()).isEqualTo(dev.cyberia.agentcore.Tier.AGENT);
            assertThat(seller.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"TierChanged\"")
                            && j.contains("\"to\":\"AGENT\"")
                            && j.contains("paid jobs 1"));
        }
    }

    @Test
    void aShopThatSettlesThroughAFacilitator_paysNoGasForTheSale_andBooksItOnce() throws Exception {
        try (dev.cyberia.treasury.NodeFixture facilitator = dev.cyberia.treasury.NodeFixture.start(
                        "x402",
                        "facilitator.mjs",
                        "--rpc",
                        bed.chain.rpc().toString(),
                        // anvil's dev account #3 pays the gas of settling
                        "--key",
                        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
                        "--port",
                        "0");
                Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(
                        0,
                        agent.store,
                        agent.runtime,
                        n -> true,
                        Clock.systemUTC(),
                        java.util.Optional.of(dev.cyberia.treasury.X402Facilitator.at(facilitator.url())))) {
            agent.store.setState("a", AgentState.RUNNING);
            URI url = shop.baseUri().resolve("/agents/a/skills/shout");
            String args = "{\"text\": \"hi\", \"times\": 2}";
            HttpResponse<String> unpaid = post(url, args, null);
            X402.PaymentRequired required = X402.decodePaymentRequired(
                    unpaid.headers().firstValue(X402.PAYMENT_REQUIRED).orElseThrow());
            java.math.BigInteger ethBefore = bed.chain.balance(bed.signer.address());
            HttpResponse<String> paid =
                    post(url, args, X402.encode(wallet.pay(required, buyer, Amount.parse("0.05", bed.cyb))));
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
            assertThat(JSON.readTree(paid.body()).path("result").asText()).isEqualTo("HI HI");
            assertThat(bed.chain.balance(bed.signer.address()))
                    .as("the facilitator paid the gas")
                    .isEqualTo(ethBefore);
            assertThat(agent.treasury.ledger())
                    .extracting(LedgerEntry::account, LedgerEntry::units)
                    .containsOnlyOnce(org.assertj.core.groups.Tuple.tuple("income:services", "-0.05"));
        }
    }
}
