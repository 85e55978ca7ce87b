package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Eip1559Transaction;
import dev.cyberia.keystore.Signer;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** x402 exact payments made by the buyer and checked by the seller against a real ComputeToken on anvil. */
class X402VerificationIT extends OnDevnet {
    private final Clock now = Clock.fixed(Instant.ofEpochSecond(System.currentTimeMillis() / 1000), ZoneOffset.UTC);

    private X402.Requirements price(String units) {
        return X402.Requirements.exact(
                Devnet.CHAIN_ID,
                new TokenDomain("ComputeToken", "1", Devnet.CHAIN_ID, info.token()),
                cyb(units),
                address(2),
                60);
    }

    private X402.PaymentPayload pay(X402.Requirements offered, int buyerAccount, String cap) {
        X402Buyer buyer = new X402Buyer(Devnet.CHAIN_ID, info.token(), now, new SecureRandom());
        try (Signer key = signer(buyerAccount)) {
            return buyer.pay(
                    new X402.PaymentRequired(
                            new X402.ResourceInfo("http://127.0.0.1/x", null, null), List.of(offered), null),
                    key,
                    cyb(cap));
        }
    }

    private String reasonOf(X402.PaymentPayload payment, X402.Requirements required) {
        X402Seller.Verification v = new X402Seller(chain, now).verify(payment, required);
        return v instanceof X402Seller.Verification.Invalid i ? i.reason() : "valid";
    }

    @Test
    void aFundedBuyersPayment_isValid_andSurvivesTheWire() {
        fundTokens(address(3), "5");
        X402.Requirements required = price("0.25");
        X402.PaymentPayload payment = X402.decodePaymentPayload(X402.encode(pay(required, 3, "1")));
        assertThat(new X402Seller(chain, now).verify(payment, required))
                .isEqualTo(new X402Seller.Verification.Valid(address(3)));
    }

    @Test
    void priceAboveTheCap_isRefused_andNothingIsSigned() {
        assertThatThrownBy(() -> pay(price("2"), 3, "1"))
                .isInstanceOf(X402Exception.class)
                .hasMessageContaining("above the cap of 1 CYB; nothing was signed");
    }

    @Test
    void everyWrongPayment_isRefusedWithItsReason() {
        fundTokens(address(3), "5");
        X402.Requirements required = price("0.25");
        X402.PaymentPayload good = pay(required, 3, "1");
        TransferAuthorization a = good.authorization();

        X402.Requirements otherNetwork = new X402.Requirements(
                "exact",
                "eip155:1",
                required.amount(),
                required.asset(),
                required.payTo(),
                60,
                "ComputeToken",
                "1",
                null);
        assertThat(reasonOf(new X402.PaymentPayload(null, otherNetwork, a), required))
                .isEqualTo("invalid_network");
        X402.Requirements otherAsset = new X402.Requirements(
                "exact",
                required.network(),
                required.amount(),
                address(4),
                required.payTo(),
                60,
                "ComputeToken",
                "1",
                null);
        assertThat(reasonOf(new X402.PaymentPayload(null, otherAsset, a), required))
                .isEqualTo("invalid_payment_requirements");
        assertThat(reasonOf(good, price("0.5"))).isEqualTo("invalid_exact_evm_payload_authorization_value_mismatch");
        X402.Requirements otherPayee =
                X402.Requirements.exact(Devnet.CHAIN_ID, required.tokenDomain(), cyb("0.25"), address(4), 60);
        assertThat(reasonOf(good, otherPayee)).isEqualTo("invalid_exact_evm_payload_recipient_mismatch");

        TransferAuthorization forged = new TransferAuthorization(
                a.domain(), address(1), a.to(), a.value(), a.validAfter(), a.validBefore(), a.nonce(), a.signature());
        assertThat(reasonOf(new X402.PaymentPayload(null, required, forged), required))
                .isEqualTo("invalid_exact_evm_payload_signature");

        X402Seller later = new X402Seller(chain, Clock.offset(now, java.time.Duration.ofSeconds(120)));
        assertThat(((X402Seller.Verification.Invalid) later.verify(good, required)).reason())
                .isEqualTo("invalid_exact_evm_payload_authorization_valid_before");
        X402Seller earlier = new X402Seller(chain, Clock.offset(now, java.time.Duration.ofSeconds(-120)));
        assertThat(((X402Seller.Verification.Invalid) earlier.verify(good, required)).reason())
                .isEqualTo("invalid_exact_evm_payload_authorization_valid_after");

        X402.PaymentPayload broke = pay(required, 4, "1"); // account 4 holds no CYB
        assertThat(reasonOf(broke, required)).isEqualTo("insufficient_funds");
    }

    @Test
    void aSettledPayment_isRefusedAsAReplay() {
        fundTokens(address(3), "5");
        X402.Requirements required = price("0.25");
        X402.PaymentPayload payment = pay(required, 3, "1");
        try (Signer relayer = signer(2)) {
            Fees fees = chain.suggestFees();
            String hash = chain.sendRawTransaction(relayer.signTransaction(new Eip1559Transaction(
                            Devnet.CHAIN_ID,
                            chain.nonce(relayer.address(), true),
                            fees.maxPriorityFeePerGas(),
                            fees.maxFeePerGas(),
                            BigInteger.valueOf(200_000),
                            info.token(),
                            BigInteger.ZERO,
                            payment.authorization().transferWithAuthorizationCall()))
                    .raw());
            for (int i = 0; i < 100 && chain.receipt(hash).isEmpty(); i++) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(reasonOf(payment, required)).isEqualTo("invalid_exact_evm_payload_authorization_nonce_used");
        Address seller = address(2);
        assertThat(chain.balanceOf(cyb, seller)).isEqualTo(cyb("0.25"));
    }
}
