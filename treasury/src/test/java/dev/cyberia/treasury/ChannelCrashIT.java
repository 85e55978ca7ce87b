package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Signer;
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
 * A buying JVM is killed with SIGKILL in the middle of its first purchase over a channel: right
 * after the voucher and the deposit authorization are committed (AUTHORIZED: a channel purchase has
 * no separate SENT step, it is sent next). The restarted treasury re-sends the same header under the same key: one deposit,
 * one charge, the seller's claim equal to the buyer's books, and the wallet's books equal to the chain.
 */
class ChannelCrashIT extends OnDevnet {

    @ParameterizedTest(name = "killed at {0}")
    @CsvSource({"AUTHORIZED"})
    void killedMidChannelPurchase_thenRestarted_depositsOnce_andIsChargedOnce(String stopAt) throws Exception {
        fundTokens(address(1), "10");
        Path dbDir = Files.createTempDirectory("channel-crash");
        String jdbcUrl = TestDatabases.freshSharedUrl(dbDir);
        String key = "channel-crash-" + stopAt;
        try (TreasuryDatabase db1 = TreasuryDatabase.open(jdbcUrl)) {
            Treasury books = Treasury.open(db1, chain, cyb, address(1), Clock.systemUTC(), Treasury.Options.DEFAULT);
            books.bookInflow(cyb("10"), "equity:faucet", "funding-cyb", "faucet");
        }
        Treasury sellerWallet = treasury(address(2));
        try (Signer sellerKey = signer(2);
                TestSeller seller = new TestSeller(sellerWallet, sellerKey, cyb("0.25"), address(2))) {
            seller.mode = TestSeller.Mode.CHANNEL;
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
                    stopAt);
            ChildJvm.awaitLine(child, "REACHED " + stopAt);
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(seller.served.get()).isZero();

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
                assertThat(retried.outcome()).isInstanceOf(Purchase.Outcome.Served.class);
                assertThat(restarted.payment(key).orElseThrow().id()).isEqualTo(before.id());
                assertThat(seller.served.get()).isEqualTo(1);
                // one deposit of 20 requests' worth, one charge of 0.25
                assertThat(chain.balanceOf(cyb, address(1))).isEqualTo(cyb("5"));
                assertThat(restarted.ledger())
                        .filteredOn(e -> e.account().equals("expenses:services"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(250_000)));
                assertThat(restarted.reconcileBooks())
                        .filteredOn(d -> d.asset().equals(cyb))
                        .allMatch(Treasury.Drift::none);
                assertThat(seller.paywall().claimChannels().paidOut()).isEqualTo(BigInteger.valueOf(250_000));
            }
        }
    }
}
