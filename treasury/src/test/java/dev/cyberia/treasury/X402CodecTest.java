package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class X402CodecTest {
    private static final Address TOKEN = Address.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    private static final Address SELLER = Address.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    private static final Address BUYER = Address.parse("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    private static final X402.Requirements REQUIREMENTS = new X402.Requirements(
            "exact", "eip155:31337", BigInteger.valueOf(10_000), TOKEN, SELLER, 60, "ComputeToken", "1", null);
    private static final X402.ResourceInfo RESOURCE =
            new X402.ResourceInfo("http://127.0.0.1/v1/chat/completions", "a chat completion", "application/json");

    private static String b64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void paymentRequired_roundTrips_andMatchesTheSpecShape() {
        String header = X402.encode(
                new X402.PaymentRequired(RESOURCE, List.of(REQUIREMENTS), "PAYMENT-SIGNATURE header is required"));
        String json = new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
        assertThat(json)
                .contains(
                        "\"x402Version\":2",
                        "\"scheme\":\"exact\"",
                        "\"network\":\"eip155:31337\"",
                        "\"amount\":\"10000\"",
                        "\"payTo\":\"" + SELLER + "\"",
                        "\"maxTimeoutSeconds\":60",
                        "\"extra\":{\"name\":\"ComputeToken\",\"version\":\"1\"}");
        X402.PaymentRequired back = X402.decodePaymentRequired(header);
        assertThat(back.accepts()).containsExactly(REQUIREMENTS);
        assertThat(back.resource()).isEqualTo(RESOURCE);
    }

    @Test
    void paymentPayload_andSettlementResponse_roundTrip() {
        TransferAuthorization auth = new TransferAuthorization(
                REQUIREMENTS.tokenDomain(),
                BUYER,
                SELLER,
                BigInteger.valueOf(10_000),
                BigInteger.ONE,
                BigInteger.valueOf(1893456000),
                "0x" + "ab".repeat(32),
                new Signature(BigInteger.TEN, BigInteger.TWO, 1));
        X402.PaymentPayload payload = new X402.PaymentPayload(RESOURCE, REQUIREMENTS, auth);
        assertThat(X402.decodePaymentPayload(X402.encode(payload))).isEqualTo(payload);

        X402.SettlementResponse ok =
                new X402.SettlementResponse(true, null, "0x" + "12".repeat(32), "eip155:31337", BUYER);
        assertThat(X402.decodeSettlementResponse(X402.encode(ok))).isEqualTo(ok);
    }

    @Test
    void malformedPaymentSignatures_areRefusedWith400AndAReason() {
        assertReason(null, "invalid_payload", "is missing");
        assertReason("!!!not base64!!!", "invalid_payload", "not base64");
        assertReason(b64("not json"), "invalid_payload", "not JSON");
        assertReason(b64("[1,2]"), "invalid_payload", "not a JSON object");
        assertReason(b64("{\"x402Version\":1}"), "invalid_x402_version", "must be 2");
        assertReason(b64("{\"x402Version\":2,\"accepted\":{}}"), "invalid_payload", "needs 'accepted' and 'payload'");
        String accepted = "{\"scheme\":\"exact\",\"network\":\"eip155:31337\",\"amount\":\"10000\",\"asset\":\"" + TOKEN
                + "\",\"payTo\":\"" + SELLER
                + "\",\"maxTimeoutSeconds\":60,\"extra\":{\"name\":\"ComputeToken\",\"version\":\"1\"}}";
        assertReason(
                b64("{\"x402Version\":2,\"accepted\":" + accepted
                        + ",\"payload\":{\"signature\":\"0x12\",\"authorization\":{}}}"),
                "invalid_payload",
                "'nonce' is missing");
        assertReason(
                b64("{\"x402Version\":2,\"accepted\":" + accepted.replace("exact", "upto")
                        + ",\"payload\":{\"signature\":\"0x12\",\"authorization\":{}}}"),
                "unsupported_scheme",
                "only the 'exact' scheme");
        String badValue =
                "{\"x402Version\":2,\"accepted\":" + accepted + ",\"payload\":{\"signature\":\"0x" + "11".repeat(65)
                        + "\",\"authorization\":{\"from\":\"" + BUYER + "\",\"to\":\"" + SELLER
                        + "\",\"value\":\"-5\",\"validAfter\":\"0\","
                        + "\"validBefore\":\"9\",\"nonce\":\"0x" + "ab".repeat(32) + "\"}}}";
        assertReason(b64(badValue), "invalid_payload", "'value' must be a non-negative integer");
    }

    private static void assertReason(String header, String reason, String message) {
        assertThatThrownBy(() -> X402.decodePaymentPayload(header))
                .isInstanceOf(X402Exception.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    assertThat(((X402Exception) e).reason()).isEqualTo(reason);
                    assertThat(((X402Exception) e).httpStatus()).isEqualTo(400);
                });
    }
}
