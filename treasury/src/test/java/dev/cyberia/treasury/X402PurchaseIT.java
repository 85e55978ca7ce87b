package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The treasury's one x402 purchase path against a real anvil and real HTTP sellers that misbehave:
 * the books always equal the chain, and no purchase is ever signed or settled twice.
 */
class X402PurchaseIT extends OnDevnet {

    /** A clock a test moves forward (to let authorizations expire without waiting). */
    static final class MovableClock extends Clock {
        volatile Duration ahead = Duration.ZERO;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }
    }

    private static PurchaseOrder order(String key, TestSeller seller, String cap) {
        return new PurchaseOrder(
                key,
                seller.url(),
                "{}".getBytes(StandardCharsets.UTF_8),
                cyb(cap),
                "expenses:services",
                Optional.empty(),
                Duration.ofSeconds(2));
    }

    private BigInteger cybOf(Address a) {
        return Erc20.balanceOf(chain, info.token(), a);
    }

    /** The buyer's books (wallet account, funding booked) equal its balance on chain. */
    private static void assertBooksEqualChain(Treasury buyer) {
        assertThat(buyer.reconcileBooks())
                .allSatisfy(d -> assertThat(d.none())
                        .as("%s books %s, chain %s", d.asset(), d.books(), d.chain())
                        .isTrue());
    }

    private Treasury fundedBuyer(Clock clock) {
        fundTokens(address(1), "10");
        Treasury buyer = Treasury.open(db, chain, cyb, address(1), clock, Treasury.Options.DEFAULT);
        buyer.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
        buyer.bookInflow(buyer.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        return buyer;
    }

    private TestSeller seller() throws Exception {
        Treasury sellerWallet = treasury(address(2));
        return new TestSeller(sellerWallet, signer(2), cyb("0.25"), address(3));
    }

    @Test
    void anHonestSeller_isPaidOnce_andARetryReturnsTheKeptAnswer() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            Purchase first = buyer.buy(order("honest", seller, "1"), key, PurchaseGate.NONE);
            assertThat(first.outcome()).isInstanceOfSatisfying(Purchase.Outcome.Served.class, s -> {
                assertThat(s.answer().text()).isEqualTo("the item");
                assertThat(s.transaction()).isPresent();
                assertThat(s.fromJournal()).isFalse();
            });
            Purchase again = buyer.buy(order("honest", seller, "1"), key, PurchaseGate.NONE);
            assertThat(again.outcome()).isInstanceOfSatisfying(Purchase.Outcome.Served.class, s -> {
                assertThat(s.answer().text()).isEqualTo("the item");
                assertThat(s.fromJournal()).isTrue();
            });
            assertThat(seller.paidRequests).hasValue(1);
            assertThat(cybOf(address(2))).isEqualTo(BigInteger.valueOf(250_000));
            assertThat(buyer.ledger())
                    .filteredOn(e -> e.account().equals("expenses:services"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(250_000)));
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void aSellerThatSettlesThenDrops_isBookedAsPaidNotServed_withADispute_andNeverPaidTwice() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            seller.mode = TestSeller.Mode.SETTLE_THEN_DROP;
            Purchase lost = buyer.buy(order("drop", seller, "1"), key, PurchaseGate.NONE);
            assertThat(lost.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.PaidNotServed.class,
                            p -> assertThat(p.dispute()).contains("gave no answer"));
            seller.mode = TestSeller.Mode.HONEST;
            Purchase retried = buyer.buy(order("drop", seller, "1"), key, PurchaseGate.NONE);
            assertThat(retried.outcome()).isInstanceOf(Purchase.Outcome.PaidNotServed.class);
            assertThat(cybOf(address(2))).isEqualTo(BigInteger.valueOf(250_000));
            assertThat(buyer.disputeOf(lost.payment().orElseThrow().id())).isPresent();
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void anAnswerLostAfterSettlement_isBookedAtOnce_andARetryGetsTheSellersKeptAnswer() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            seller.mode = TestSeller.Mode.SETTLE_THEN_DELAY;
            seller.delayMillis = 3000; // past the buyer's 2 s
            Purchase lost = buyer.buy(order("late", seller, "1"), key, PurchaseGate.NONE);
            assertThat(lost.outcome()).isInstanceOf(Purchase.Outcome.PaidNotServed.class);
            assertThat(buyer.ledger())
                    .filteredOn(e -> e.account().equals("expenses:services"))
                    .hasSize(1);
            Thread.sleep(1500); // the seller answers its request, and keeps the answer
            Purchase retried = buyer.buy(order("late", seller, "1"), key, PurchaseGate.NONE);
            assertThat(retried.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.Served.class,
                            s -> assertThat(s.answer().text()).isEqualTo("the item"));
            assertThat(seller.served).as("served once, answered twice").hasValue(1);
            assertThat(cybOf(address(2))).isEqualTo(BigInteger.valueOf(250_000));
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void aSellerThatTimesOut_thenAsksAfresh_getsTheSameAuthorizationAgain_andItIsReleasedWhenItExpires()
            throws Exception {
        MovableClock clock = new MovableClock();
        Treasury buyer = fundedBuyer(clock);
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            seller.mode = TestSeller.Mode.STALL_THEN_FRESH_402;
            seller.delayMillis = 4000;
            assertThatThrownBy(() -> buyer.buy(order("stall", seller, "1"), key, PurchaseGate.NONE))
                    .isInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining("a retry sends the same one");
            Payment sent = buyer.payment("stall").orElseThrow();
            assertThat(sent.state()).isInstanceOf(PaymentState.Sent.class);
            String nonce = ((PaymentState.Sent) sent.state()).authorizationNonce();

            Purchase retried = buyer.buy(order("stall", seller, "1"), key, PurchaseGate.NONE);
            assertThat(retried.outcome()).isInstanceOf(Purchase.Outcome.NotPaid.class);
            Payment still = buyer.payment("stall").orElseThrow();
            assertThat(still.state())
                    .as("the same authorization, never a second one")
                    .isEqualTo(new PaymentState.Sent(nonce, ((PaymentState.Sent) sent.state()).validBefore()));
            assertThat(cybOf(address(1))).isEqualTo(BigInteger.valueOf(10_000_000));
            assertThat(buyer.reconcilePending()).as("not expired yet").isEmpty();

            clock.ahead = Duration.ofMinutes(10);
            assertThat(buyer.reconcilePending())
                    .singleElement()
                    .satisfies(p -> assertThat(p.state())
                            .isInstanceOfSatisfying(
                                    PaymentState.Failed.class,
                                    f -> assertThat(f.reason()).startsWith("released")));
            assertThat(buyer.ledger()).noneMatch(e -> e.account().startsWith("expenses:"));
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void twoRequirementsWithDifferentPayees_thePolicyJudgesTheOneSigned_andAListedPayeeIsKept() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        buyer.setPolicy(SpendPolicy.unrestricted().withAllowlist(Set.of(address(2))));
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            seller.mode = TestSeller.Mode.TWO_PAYEES;
            Purchase cheapest = buyer.buy(order("two-a", seller, "1"), key, PurchaseGate.NONE);
            assertThat(cheapest.outcome()).isInstanceOf(Purchase.Outcome.NotPaid.class);
            assertThat(cheapest.payment().orElseThrow().payee())
                    .as("the payee judged is the one that would be signed")
                    .isEqualTo(address(3));
            assertThat(cheapest.payment().orElseThrow().state()).isInstanceOf(PaymentState.Denied.class);

            Purchase listed = buyer.buy(order("two-b", seller, "1").payingOnly(address(2)), key, PurchaseGate.NONE);
            assertThat(listed.outcome()).isInstanceOf(Purchase.Outcome.Served.class);
            assertThat(cybOf(address(3))).isZero();
            assertThat(cybOf(address(2))).isEqualTo(BigInteger.valueOf(250_000));

            Purchase gated = buyer.buy(
                    order("two-c", seller, "1").payingOnly(address(2)),
                    key,
                    (o, payee, price) -> Optional.of("the gate says no to " + payee));
            assertThat(gated.outcome())
                    .isInstanceOfSatisfying(
                            Purchase.Outcome.NotPaid.class,
                            n -> assertThat(n.reason()).contains("the gate says no"));
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void theSameKeyFromManyThreads_paysOnce() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        int rounds = 5;
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                for (int round = 0; round < rounds; round++) {
                    String twinKey = "twin-" + round;
                    List<Future<Purchase>> all = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        all.add(pool.submit(() -> buyer.buy(order(twinKey, seller, "1"), key, PurchaseGate.NONE)));
                    }
                    for (Future<Purchase> f : all) {
                        try {
                            assertThat(f.get().outcome())
                                    .isInstanceOfAny(
                                            Purchase.Outcome.Served.class, Purchase.Outcome.PaidNotServed.class);
                        } catch (java.util.concurrent.ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(OutcomeUnknownException.class);
                        }
                    }
                }
            } finally {
                pool.shutdown();
            }
            buyer.reconcilePending();
            assertThat(cybOf(address(2))).isEqualTo(BigInteger.valueOf(250_000L * rounds));
            assertThat(seller.served).as("each purchase served once").hasValue(rounds);
            assertThat(buyer.ledger())
                    .filteredOn(e -> e.account().equals("expenses:services"))
                    .hasSize(rounds);
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void manyThreadsPayingAndBuying_neverPassTheDailyCap_andTheBooksEqualTheChain() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        buyer.setPolicy(SpendPolicy.unrestricted()
                .withLimits(
                        "CYB",
                        new SpendPolicy.Limits(
                                Optional.empty(),
                                Optional.of(cyb("2").baseUnits()),
                                Optional.empty(),
                                Optional.empty())));
        try (TestSeller seller = seller();
                Signer key = signer(1)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Object>> work = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    int n = i;
                    work.add(() -> n % 2 == 0
                            ? buyer.buy(order("cap-buy-" + n, seller, "1"), key, PurchaseGate.NONE)
                            : buyer.pay(
                                    new PaymentRequest("cap-pay-" + n, address(4), cyb("0.25"), "expenses:transfers"),
                                    key));
                }
                for (Future<Object> f : pool.invokeAll(work)) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            buyer.reconcilePending();
            BigInteger left = BigInteger.valueOf(10_000_000).subtract(cybOf(address(1)));
            assertThat(left).as("spent today").isLessThanOrEqualTo(cyb("2").baseUnits());
            assertThat(left).as("the cap was reached").isEqualTo(cyb("2").baseUnits());
            assertBooksEqualChain(buyer);
        }
    }

    @Test
    void approveRacingDeny_oneWins_andTheOtherIsAnError() throws Exception {
        Treasury buyer = fundedBuyer(Clock.systemUTC());
        buyer.setPolicy(SpendPolicy.unrestricted()
                .withLimits(
                        "CYB",
                        new SpendPolicy.Limits(
                                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(BigInteger.ONE))));
        try (Signer key = signer(1)) {
            for (int round = 0; round < 6; round++) {
                Payment waiting = buyer.pay(
                        new PaymentRequest("race-" + round, address(4), cyb("0.1"), "expenses:transfers"), key);
                assertThat(waiting.state()).isInstanceOf(PaymentState.AwaitingApproval.class);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                Future<Object> approve = pool.submit(() -> buyer.approve(waiting.id(), key, "alice"));
                Future<Object> deny = pool.submit(() -> buyer.deny(waiting.id(), "bob"));
                int errors = 0;
                for (Future<Object> f : List.of(approve, deny)) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause())
                                .isInstanceOfAny(
                                        IllegalPaymentTransitionException.class, InvalidTreasuryInputException.class);
                        errors++;
                    }
                }
                pool.shutdown();
                assertThat(errors).as("exactly one of approve and deny wins").isEqualTo(1);
                PaymentState end = buyer.payment("race-" + round).orElseThrow().state();
                assertThat(end).isInstanceOfAny(PaymentState.Confirmed.class, PaymentState.Denied.class);
            }
            assertBooksEqualChain(buyer);
        }
    }
}
