package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Signer;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seller collects an x402 payment through its journal: once, booked as income, gas booked too. */
class X402SettlementIT extends OnDevnet {

    private X402.PaymentPayload buyerPays(String units) {
        X402.Requirements price = X402.Requirements.exact(
                Devnet.CHAIN_ID,
                new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token()),
                cyb(units),
                address(2),
                60);
        try (Signer buyer = signer(3)) {
            return new X402Buyer(Devnet.CHAIN_ID, info.token(), Clock.systemUTC(), new SecureRandom())
                    .pay(
                            new X402.PaymentRequired(
                                    new X402.ResourceInfo("http://127.0.0.1/x", null, null), List.of(price), null),
                            buyer,
                            cyb("1"));
        }
    }

    @Test
    void collect_settlesOnce_andBooksIncomeAndGas() {
        fundTokens(address(3), "5");
        X402.PaymentPayload payment = buyerPays("0.25");
        Treasury seller = treasury(address(2));
        try (Signer sellerKey = signer(2)) {
            Payment collected = seller.collect(payment, sellerKey);
            assertThat(collected.state()).isInstanceOf(PaymentState.Confirmed.class);
            assertThat(collected.payee()).isEqualTo(address(3));
            assertThat(chain.balanceOf(cyb, address(2))).isEqualTo(cyb("0.25"));
            assertThat(chain.balanceOf(cyb, address(3))).isEqualTo(cyb("4.75"));

            BigInteger nonce = chain.nonce(address(2), true);
            Payment again = seller.collect(payment, sellerKey);
            assertThat(again.id()).isEqualTo(collected.id());
            assertThat(chain.nonce(address(2), true)).as("collected once").isEqualTo(nonce);
        }
        assertThat(seller.ledger())
                .extracting(LedgerEntry::account, LedgerEntry::units)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("income:services", "-0.25"),
                        org.assertj.core.groups.Tuple.tuple("assets:wallet:CYB", "0.25"));
        assertThat(seller.ledger())
                .filteredOn(e -> e.account().equals("expenses:gas"))
                .hasSize(1);
    }

    @Test
    void aReplayedAuthorization_failsBeforeSigning_inAnotherJournal() {
        fundTokens(address(3), "5");
        X402.PaymentPayload payment = buyerPays("0.25");
        try (Signer sellerKey = signer(2)) {
            treasury(address(2)).collect(payment, sellerKey);
            try (TreasuryDatabase other = TestDatabases.fresh()) {
                Treasury fresh =
                        Treasury.open(other, chain, cyb, address(2), Clock.systemUTC(), Treasury.Options.DEFAULT);
                BigInteger nonce = chain.nonce(address(2), true);
                Payment replay = fresh.collect(payment, sellerKey);
                assertThat(replay.state()).isInstanceOf(PaymentState.Failed.class);
                assertThat(((PaymentState.Failed) replay.state()).reason())
                        .contains("would revert")
                        .contains("nothing was signed");
                assertThat(chain.nonce(address(2), true)).isEqualTo(nonce);
            }
        }
        assertThat(chain.balanceOf(cyb, address(2))).isEqualTo(cyb("0.25"));
    }

    @Test
    void payCannotBeUsedToBookIncome_andCollectChecksThePayee() {
        Treasury wallet = treasury(address(1));
        try (Signer key = signer(1)) {
            assertThatThrownBy(() -> wallet.pay(new PaymentRequest("k", address(2), cyb("1"), "income:services"), key))
                    .hasMessageContaining("collected with collect()");
            X402.PaymentPayload toSomeoneElse = buyerPays("0.25");
            assertThatThrownBy(() -> wallet.collect(toSomeoneElse, key))
                    .isInstanceOf(X402Exception.class)
                    .hasMessageContaining("not this wallet");
        }
    }
}
