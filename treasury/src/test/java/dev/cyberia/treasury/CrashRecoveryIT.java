package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.internal.Erc20;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A payer JVM is killed with SIGKILL right after the journal commits SIGNED (nothing sent yet),
 * or right after BROADCAST; a restarted treasury finishes the payment. Exactly one transfer
 * reaches the chain, and the journal and the ledger agree with it.
 */
class CrashRecoveryIT extends OnDevnet {

    @ParameterizedTest
    @ValueSource(strings = {"SIGNED", "BROADCAST"})
    void killedAfter_thenRestarted_sendsExactlyOneTransfer(String stopAt) throws Exception {
        Address payer = address(1);
        Address payee = address(2);
        fundTokens(payer, "10");
        BigInteger nonceBefore = chain.nonce(payer, true);
        Path dbDir = Files.createTempDirectory("crash-db");
        String jdbcUrl = TestDatabases.freshSharedUrl(dbDir);

        Process child = ChildJvm.start(
                CrashingPayer.class,
                jdbcUrl,
                info.rpcUrl().toString(),
                info.token().toString(),
                home.toString(),
                "dev1",
                PASSPHRASE,
                "crash-" + stopAt,
                payee.toString(),
                "2.5",
                stopAt);
        String reached = ChildJvm.awaitLine(child, "REACHED " + stopAt);
        long paymentId = Long.parseLong(reached.split(" ")[2]);
        child.destroyForcibly(); // SIGKILL
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

        if (stopAt.equals("SIGNED")) {
            assertThat(chain.nonce(payer, true))
                    .as("nothing was broadcast before the kill")
                    .isEqualTo(nonceBefore);
        }
        try (TreasuryDatabase db2 = TreasuryDatabase.open(jdbcUrl)) {
            Treasury restarted = Treasury.open(db2, chain, cyb, payer, Clock.systemUTC(), Treasury.Options.DEFAULT);
            Payment before = restarted.payment("crash-" + stopAt).orElseThrow();
            assertThat(before.id()).isEqualTo(paymentId);
            assertThat(before.state().name()).isEqualTo(stopAt);

            List<Payment> finished = restarted.reconcilePending();
            assertThat(finished)
                    .singleElement()
                    .satisfies(p -> assertThat(p.state()).isInstanceOf(PaymentState.Confirmed.class));
            try (Signer signer = signer(1)) { // the caller retrying with the same key changes nothing
                Payment again = restarted.pay(
                        new PaymentRequest("crash-" + stopAt, payee, cyb("2.5"), "expenses:transfers"), signer);
                assertThat(again.id()).isEqualTo(paymentId);
                assertThat(again.state()).isInstanceOf(PaymentState.Confirmed.class);
            }
            assertThat(restarted.reconcilePending()).isEmpty();

            assertThat(chain.nonce(payer, true))
                    .as("exactly one transaction")
                    .isEqualTo(nonceBefore.add(BigInteger.ONE));
            assertThat(Erc20.balanceOf(chain, info.token(), payee)).isEqualTo(2_500_000);
            assertThat(restarted.ledger())
                    .filteredOn(e -> e.account().equals("assets:wallet:CYB"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.amount()).isEqualTo(BigInteger.valueOf(-2_500_000)));
            assertThat(restarted.ledger())
                    .filteredOn(e -> e.account().equals("expenses:gas"))
                    .hasSize(1);
        }
    }
}
