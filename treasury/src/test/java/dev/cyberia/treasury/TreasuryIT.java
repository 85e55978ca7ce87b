package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TreasuryIT extends OnDevnet {

    @Test
    void pay_tokens_confirmsOnChain_andBooksAmountAndGasTwice() {
        Address payer = address(1);
        Address payee = address(2);
        fundTokens(payer, "10");
        Treasury treasury = treasury(payer);
        try (Signer signer = signer(1)) {
            Payment p = treasury.pay(new PaymentRequest("k-1", payee, cyb("1.25"), "expenses:inference"), signer);
            assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class);
            PaymentState.Confirmed confirmed = (PaymentState.Confirmed) p.state();
            assertThat(Erc20.balanceOf(chain, info.token(), payee)).isEqualTo(1_250_000);
            assertThat(Erc20.balanceOf(chain, info.token(), payer)).isEqualTo(8_750_000);

            List<LedgerEntry> ledger = treasury.ledger();
            assertThat(ledger)
                    .extracting(LedgerEntry::account, LedgerEntry::units)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple("expenses:inference", "1.25"),
                            org.assertj.core.groups.Tuple.tuple("assets:wallet:CYB", "-1.25"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "expenses:gas",
                                    Amount.ofBaseUnits(Asset.ether(), confirmed.gasFeeWei())
                                            .units()));
            assertThat(ledger).allMatch(e -> e.transactionHash().equals(confirmed.transactionHash()));
            assertThat(ledger.stream().map(LedgerEntry::amount).reduce(BigInteger.ZERO, BigInteger::add))
                    .isZero();
        }
    }

    @Test
    void sameIdempotencyKeyTwice_returnsTheFirstPayment_andSendsOneTransaction() {
        Address payer = address(1);
        fundTokens(payer, "10");
        Treasury treasury = treasury(payer);
        try (Signer signer = signer(1)) {
            BigInteger nonceBefore = chain.nonce(payer, true);
            PaymentRequest request = new PaymentRequest("same-key", address(2), cyb("2"), "expenses:transfers");
            Payment first = treasury.pay(request, signer);
            Payment second = treasury.pay(request, signer);
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(second.state()).isEqualTo(first.state());
            assertThat(chain.nonce(payer, true)).isEqualTo(nonceBefore.add(BigInteger.ONE));
            assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isEqualTo(2_000_000);
            assertThatThrownBy(() -> treasury.pay(
                            new PaymentRequest("same-key", address(3), cyb("2"), "expenses:transfers"), signer))
                    .isInstanceOf(InvalidTreasuryInputException.class)
                    .hasMessageContaining("already used for a different payment");
        }
    }

    @Test
    void insufficientFunds_isRefusedBeforeAnythingIsSigned() {
        Address payer = address(1);
        fundTokens(payer, "1");
        Treasury treasury = treasury(payer);
        try (Signer signer = signer(1)) {
            BigInteger nonceBefore = chain.nonce(payer, true);
            Payment p =
                    treasury.pay(new PaymentRequest("too-much", address(2), cyb("5"), "expenses:transfers"), signer);
            assertThat(p.state()).isInstanceOf(PaymentState.Failed.class);
            assertThat(((PaymentState.Failed) p.state()).reason())
                    .contains("insufficient funds")
                    .contains("nothing was signed");
            assertThat(((PaymentState.Failed) p.state()).transactionHashOrNull())
                    .isNull();
            assertThat(chain.nonce(payer, true)).isEqualTo(nonceBefore);
            assertThat(treasury.ledger()).isEmpty();
        }
    }

    @Test
    void ether_canBePaidToo() {
        Address payer = address(1);
        Treasury treasury = treasury(payer);
        BigInteger before = chain.balance(address(3));
        try (Signer signer = signer(1)) {
            Payment p = treasury.pay(
                    new PaymentRequest("eth", address(3), Amount.parse("0.5", Asset.ether()), "expenses:transfers"),
                    signer);
            assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class);
        }
        assertThat(chain.balance(address(3)).subtract(before)).isEqualTo(new BigInteger("500000000000000000"));
    }

    @Test
    void spendPolicy_deniesWithReasons_andHoldsLargePaymentsForApproval() {
        Address payer = address(1);
        fundTokens(payer, "100");
        Treasury treasury = treasury(payer);
        treasury.setPolicy(SpendPolicy.unrestricted()
                .withLimits(
                        "CYB",
                        new SpendPolicy.Limits(
                                Optional.of(cyb("10").baseUnits()),
                                Optional.of(cyb("15").baseUnits()),
                                Optional.of(cyb("80").baseUnits()),
                                Optional.of(cyb("5").baseUnits())))
                .withDenylist(Set.of(address(4))));
        try (Signer signer = signer(1)) {
            Payment tooBig = treasury.pay(new PaymentRequest("a", address(2), cyb("11"), "expenses:transfers"), signer);
            assertThat(tooBig.state())
                    .isEqualTo(new PaymentState.Denied("11 CYB is above the per-transaction cap of 10 CYB"));

            Payment denied = treasury.pay(new PaymentRequest("b", address(4), cyb("1"), "expenses:transfers"), signer);
            assertThat(((PaymentState.Denied) denied.state()).reason()).contains("denylist");

            Payment held = treasury.pay(new PaymentRequest("c", address(2), cyb("6"), "expenses:transfers"), signer);
            assertThat(held.state()).isInstanceOf(PaymentState.AwaitingApproval.class);
            assertThat(treasury.awaitingApproval()).extracting(Payment::id).containsExactly(held.id());
            assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isZero();

            Payment approved = treasury.approve(held.id(), signer, "operator");
            assertThat(approved.state()).isInstanceOf(PaymentState.Confirmed.class);

            Payment small = treasury.pay(new PaymentRequest("d", address(2), cyb("4"), "expenses:transfers"), signer);
            assertThat(small.state()).isInstanceOf(PaymentState.Confirmed.class);

            Payment overDaily =
                    treasury.pay(new PaymentRequest("e", address(2), cyb("5.5"), "expenses:transfers"), signer);
            assertThat(((PaymentState.Denied) overDaily.state()).reason())
                    .contains("24-hour cap of 15 CYB would be exceeded");

            treasury.setPolicy(treasury.policy()
                    .withLimits(
                            "CYB",
                            new SpendPolicy.Limits(
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.of(cyb("88").baseUnits()),
                                    Optional.empty())));
            Payment belowFloor =
                    treasury.pay(new PaymentRequest("f", address(2), cyb("3"), "expenses:transfers"), signer);
            assertThat(((PaymentState.Denied) belowFloor.state()).reason())
                    .contains("reserve floor of 88 CYB may not be spent");

            Payment toDeny = treasury.pay(new PaymentRequest("g", address(2), cyb("1"), "expenses:transfers"), signer);
            assertThat(toDeny.state()).isInstanceOf(PaymentState.Confirmed.class);
        }
    }

    @Test
    void fiftyConcurrentSends_allConfirm_withConsecutiveNonces() throws Exception {
        Address payer = address(1);
        fundTokens(payer, "1000");
        Treasury treasury = treasury(payer);
        BigInteger firstNonce = chain.nonce(payer, true);
        List<Future<Payment>> futures = new ArrayList<>();
        try (Signer signer = signer(1);
                ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 50; i++) {
                String key = "concurrent-" + i;
                futures.add(pool.submit(() ->
                        treasury.pay(new PaymentRequest(key, address(2), cyb("1"), "expenses:transfers"), signer)));
            }
            Set<BigInteger> nonces = new TreeSet<>();
            for (Future<Payment> f : futures) {
                Payment p = f.get();
                assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class);
            }
            for (Payment p : futures.stream()
                    .map(f -> {
                        try {
                            return f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList()) {
                nonces.add(chainNonceOf(p));
            }
            assertThat(nonces).hasSize(50);
            assertThat(nonces.iterator().next()).isEqualTo(firstNonce);
            assertThat(((TreeSet<BigInteger>) nonces).last()).isEqualTo(firstNonce.add(BigInteger.valueOf(49)));
        }
        assertThat(chain.nonce(payer, false)).isEqualTo(firstNonce.add(BigInteger.valueOf(50)));
        assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isEqualTo(50_000_000);
    }

    private BigInteger chainNonceOf(Payment p) {
        String hash = ((PaymentState.Confirmed) p.state()).transactionHash();
        var tx = ((dev.cyberia.treasury.internal.JsonRpcChain) chain).client().call("eth_getTransactionByHash", hash);
        return dev.cyberia.treasury.internal.JsonRpcChain.quantity(tx.get("nonce"));
    }

    @Test
    void journaledTransactionWhoseNonceWasTakenElsewhere_failsAsRejected_andTheNextPaymentUsesTheChainsNonce() {
        Address payer = address(1);
        fundTokens(payer, "10");
        RuntimeException crash = new RuntimeException("simulated crash after signing");
        Treasury crashing = Treasury.open(
                db, chain, cyb, payer, java.time.Clock.systemUTC(), Treasury.Options.DEFAULT.withListener(p -> {
                    if (p.state() instanceof PaymentState.Signed) {
                        throw crash;
                    }
                }));
        try (Signer signer = signer(1)) {
            assertThatThrownBy(() -> crashing.pay(
                            new PaymentRequest("stale", address(2), cyb("1"), "expenses:transfers"), signer))
                    .isSameAs(crash);
            BigInteger journaledNonce = ((PaymentState.Signed)
                            crashing.payment("stale").orElseThrow().state())
                    .nonce();
            // the same key spends that nonce outside the treasury (another wallet app, say)
            Fees fees = chain.suggestFees();
            String elsewhere =
                    chain.sendRawTransaction(signer.signTransaction(new dev.cyberia.keystore.Eip1559Transaction(
                                    Devnet.CHAIN_ID,
                                    journaledNonce,
                                    fees.maxPriorityFeePerGas(),
                                    fees.maxFeePerGas(),
                                    BigInteger.valueOf(21_000),
                                    address(4),
                                    BigInteger.ONE,
                                    new byte[0]))
                            .raw());
            // anvil mines it on its own schedule, a moment later under load: the nonce is taken once it is mined
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (chain.receipt(elsewhere).isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(chain.receipt(elsewhere))
                    .as("the other transaction is mined")
                    .isPresent();

            Treasury treasury = treasury(payer);
            assertThat(treasury.reconcilePending()).singleElement().satisfies(p -> {
                assertThat(p.state()).isInstanceOf(PaymentState.Failed.class);
                assertThat(((PaymentState.Failed) p.state()).reason())
                        .contains("rejected by the node")
                        .containsIgnoringCase("nonce");
            });
            Payment next =
                    treasury.pay(new PaymentRequest("after", address(2), cyb("1"), "expenses:transfers"), signer);
            assertThat(next.state()).isInstanceOf(PaymentState.Confirmed.class);
            assertThat(chainNonceOf(next)).isEqualTo(journaledNonce.add(BigInteger.ONE));
            assertThat(Erc20.balanceOf(chain, info.token(), address(2))).isEqualTo(1_000_000);
        }
    }

    @Test
    void reconcileBooks_showsNoDriftWhenFundingIsBooked_andTheDriftWhenNot() {
        Address payer = address(1);
        Treasury treasury = treasury(payer);
        fundTokens(payer, "10");
        treasury.bookInflow(cyb("10"), "equity:faucet", "0xfunding", "devnet faucet");
        treasury.bookInflow(
                Amount.ofBaseUnits(Asset.ether(), chain.balance(payer)),
                "equity:opening-balance",
                "0xopening",
                "opening");
        try (Signer signer = signer(1)) {
            treasury.pay(new PaymentRequest("r", address(2), cyb("3"), "expenses:transfers"), signer);
        }
        assertThat(treasury.reconcileBooks()).allMatch(Treasury.Drift::none);
        fundTokens(payer, "2");
        Treasury.Drift cybDrift = treasury.reconcileBooks().stream()
                .filter(d -> d.asset().symbol().equals("CYB"))
                .findFirst()
                .orElseThrow();
        assertThat(cybDrift.none()).isFalse();
        assertThat(cybDrift.difference()).isEqualTo("+2");
    }

    @Test
    void history_givesEachPeriodsIncomeSpendAndHoldings_andGasInEther() {
        Address payer = address(1);
        Treasury treasury = treasury(payer);
        fundTokens(payer, "10");
        treasury.bookInflow(cyb("10"), "equity:faucet", "0xfunding-h", "devnet faucet");
        treasury.bookInflow(cyb("0.5"), "income:services", "0xsale-h", "a sale");
        Payment paid;
        try (Signer signer = signer(1)) {
            paid = treasury.pay(new PaymentRequest("h-1", address(2), cyb("3"), "expenses:inference"), signer);
        }
        java.time.Instant dayAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
        List<Treasury.Period> hours = treasury.history(treasury.asset("CYB"), java.time.Duration.ofHours(1), dayAgo);

        assertThat(hours).hasSizeBetween(24, 26);
        Treasury.Period now = hours.getLast();
        assertThat(now.income()).isEqualTo(cyb("0.5"));
        assertThat(now.spent()).isEqualTo(cyb("3"));
        assertThat(now.held()).isEqualTo(cyb("7.5")); // 10 + 0.5 - 3, as the books say
        assertThat(hours.getFirst().held()).isEqualTo(cyb("0"));
        assertThat(hours.getFirst().start()).isBefore(dayAgo);

        List<Treasury.Period> gas = treasury.history(Asset.ether(), java.time.Duration.ofDays(1), dayAgo);
        assertThat(gas.getLast().spent().baseUnits())
                .isEqualTo(((PaymentState.Confirmed) paid.state()).gasFeeWei())
                .isPositive();
        assertThatThrownBy(() -> treasury.history(Asset.ether(), java.time.Duration.ZERO, dayAgo))
                .isInstanceOf(InvalidTreasuryInputException.class);
    }
}
