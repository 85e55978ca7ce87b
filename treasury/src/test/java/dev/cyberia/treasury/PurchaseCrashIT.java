package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A buying JVM is killed with SIGKILL at each moment of an x402 purchase: right after the signed
 * authorization is committed (AUTHORIZED, nothing sent), right before it is sent (SENT), and after
 * the seller settled but before its answer came (SETTLED). The restarted treasury reconciles from
 * the chain and a retry under the same key finishes the purchase: the seller is paid exactly once,
 * nothing settled is left unbooked, and the books equal the chain.
 */
class PurchaseCrashIT extends OnDevnet {

    @ParameterizedTest(name = "killed at {0}, run {1}")
    @CsvSource({"AUTHORIZED, 1", "AUTHORIZED, 2", "SENT, 1", "SENT, 2", "SETTLED, 1", "SETTLED, 2"})
    void killedMidPurchase_thenRestarted_paysExactlyOnce_andBooksWhatLeft(String stopAt, int run) throws Exception {
        fundTokens(address(1), "10");
        BigInteger sellerBefore = Erc20.balanceOf(chain, info.token(), address(2));
        Path dbDir = Files.createTempDirectory("purchase-crash");
        String jdbcUrl = TestDatabases.freshSharedUrl(dbDir);
        String key = "crash-" + stopAt + "-" + run;
        try (TreasuryDatabase db1 = TreasuryDatabase.open(jdbcUrl)) {
            Treasury books = Treasury.open(db1, chain, cyb, address(1), Clock.systemUTC(), Treasury.Options.DEFAULT);
            books.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
            books.bookInflow(books.balance(Asset.ether()), "equity:faucet", "funding-eth", "faucet");
        }
        try (TestSeller seller = new TestSeller(treasury(address(2)), signer(2), cyb("0.25"), address(3))) {
            seller.mode = stopAt.equals("SETTLED") ? TestSeller.Mode.SETTLE_THEN_DELAY : TestSeller.Mode.HONEST;
            seller.delayMillis = 20_000;
            Process child = ChildJvm.start(
                    CrashingBuyer.class,
                    jdbcUrl,
                    info.rpcUrl().toString(),
                    info.token().toString(),
                    home.toString(),
                    "dev1",
                    PASSPHRASE,
                    key,
                    seller.url().toString(),
                    stopAt.equals("SETTLED") ? "NONE" : stopAt);
            if (stopAt.equals("SETTLED")) {
                ChildJvm.awaitLine(child, "BUYING");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Erc20.balanceOf(chain, info.token(), address(2)).equals(sellerBefore)) {
                    assertThat(System.nanoTime()).as("the seller settles").isLessThan(deadline);
                    Thread.sleep(20);
                }
            } else {
                ChildJvm.awaitLine(child, "REACHED " + stopAt);
            }
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            seller.mode = TestSeller.Mode.HONEST;

            try (TreasuryDatabase db2 = TreasuryDatabase.open(jdbcUrl);
                    Signer signer = signer(1)) {
                Treasury restarted =
                        Treasury.open(db2, chain, cyb, address(1), Clock.systemUTC(), Treasury.Options.DEFAULT);
                Payment before = restarted.payment(key).orElseThrow();
                assertThat(before.state().name()).isIn("AUTHORIZED", "SENT");
                restarted.reconcilePending();
                Purchase retried = restarted.buy(
                        new PurchaseOrder(
                                key,
                                seller.url(),
                                "{}".getBytes(StandardCharsets.UTF_8),
                                cyb("1"),
                                "expenses:services",
                                Optional.empty(),
                                Duration.ofSeconds(10)),
                        signer,
                        PurchaseGate.NONE);
                if (stopAt.equals("SETTLED")) { // the seller may have finished its answer by now, and keeps it
                    assertThat(retried.outcome())
                            .isInstanceOfAny(Purchase.Outcome.PaidNotServed.class, Purchase.Outcome.Served.class);
                } else {
                    assertThat(retried.outcome()).isInstanceOf(Purchase.Outcome.Served.class);
                }
                assertThat(restarted.payment(key).orElseThrow().state()).isInstanceOf(PaymentState.Confirmed.class);
                assertThat(restarted.payment(key).orElseThrow().id()).isEqualTo(before.id());
                assertThat(Erc20.balanceOf(chain, info.token(), address(2)))
                        .as("the seller is paid exactly once")
                        .isEqualTo(sellerBefore.add(BigInteger.valueOf(250_000)));
                assertThat(restarted.ledger())
                        .filteredOn(e -> e.account().equals("expenses:services"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(250_000)));
                assertThat(restarted.reconcileBooks()).allMatch(Treasury.Drift::none);
            }
        }
    }
}
