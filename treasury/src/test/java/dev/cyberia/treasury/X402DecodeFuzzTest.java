package dev.cyberia.treasury;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of a well-formed {@code PAYMENT-SIGNATURE} and {@code PAYMENT-REQUIRED}, in the
 * JSON and in the base64: decoding and everything a seller then does with a decoded payment
 * (typed data, signature recovery, re-encoding) either works or throws {@link X402Exception} with
 * an x402 reason — never another exception that would cost a seller its connection. It found a
 * malformed network id that made a miner drop the connection. {@code -Dcyberia.fuzz.decodes=N}
 * runs more; the seed is printed.
 */
class X402DecodeFuzzTest {
    private static final String PAYMENT = "{\"x402Version\":2,\"resource\":{\"url\":\"http://127.0.0.1:1/v1\"},"
            + "\"accepted\":{\"scheme\":\"exact\",\"network\":\"eip155:31337\",\"amount\":\"10000\","
            + "\"asset\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"payTo\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\","
            + "\"maxTimeoutSeconds\":120,\"extra\":{\"name\":\"ComputeToken\",\"version\":\"1\"}},"
            + "\"payload\":{\"signature\":\"0x" + "11".repeat(32) + "22".repeat(32) + "1b\",\"authorization\":{"
            + "\"from\":\"0x976EA74026E726554dB657fA54763abd0C3a0aa9\",\"to\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\","
            + "\"value\":\"10000\",\"validAfter\":\"0\",\"validBefore\":\"9999999999\",\"nonce\":\"0x" + "ab".repeat(32)
            + "\"}},\"extensions\":{\"payment-identifier\":{\"info\":{\"required\":false,\"id\":\"pay_0123456789abcdef\"}}}}";
    private static final String JSON_ALPHABET = "0123456789abcdefxX:\"{}[],.-+eE \\nultrf";
    private static final String BASE64_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_!";

    @Test
    void mutatedPaymentsAndRequirements_decodeOrFailWithAnX402Reason() {
        int count = Integer.getInteger("cyberia.fuzz.decodes", 20_000);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        System.out.println("X402DecodeFuzzTest seed " + seed + ", " + count + " mutations of each message");
        Random random = new Random(seed);
        String required = "{\"x402Version\":2,\"resource\":{\"url\":\"http://127.0.0.1:1/v1\"},\"accepts\":["
                + PAYMENT.substring(PAYMENT.indexOf("{\"scheme\""), PAYMENT.indexOf("},\"payload\"") + 1) + "]}";
        for (int i = 0; i < count; i++) {
            for (String message : new String[] {PAYMENT, required}) {
                String header = random.nextBoolean()
                        ? base64(mutate(message, JSON_ALPHABET, random))
                        : mutate(base64(message), BASE64_ALPHABET, random);
                try {
                    if (message == PAYMENT) {
                        X402.PaymentPayload p = X402.decodePaymentPayload(header);
                        p.accepted().tokenDomain();
                        p.authorization().isSignedByPayer();
                        assertThat(X402.encode(p)).isNotBlank();
                    } else {
                        X402.PaymentRequired r = X402.decodePaymentRequired(header);
                        r.accepts().forEach(X402.Requirements::tokenDomain);
                    }
                } catch (X402Exception expected) {
                    assertThat(expected.reason()).isNotBlank();
                    assertThat(expected.httpStatus()).isBetween(400, 499);
                }
            }
        }
    }

    private static final String CHANNEL = "{\"x402Version\":2,\"resource\":{\"url\":\"http://127.0.0.1:1/v1\"},"
            + "\"accepted\":{\"scheme\":\"batch-settlement\",\"network\":\"eip155:31337\",\"amount\":\"10000\","
            + "\"asset\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"payTo\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\","
            + "\"maxTimeoutSeconds\":120,\"extra\":{\"name\":\"ComputeToken\",\"version\":\"1\","
            + "\"receiverAuthorizer\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\",\"withdrawDelay\":900,"
            + "\"minDeposit\":\"100000\"}},"
            + "\"payload\":{\"type\":\"deposit\",\"channelConfig\":{\"payer\":\"0x976EA74026E726554dB657fA54763abd0C3a0aa9\","
            + "\"payerAuthorizer\":\"0x976EA74026E726554dB657fA54763abd0C3a0aa9\","
            + "\"receiver\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\","
            + "\"receiverAuthorizer\":\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\","
            + "\"token\":\"0x5FbDB2315678afecb367f032d93F642f64180aa3\",\"withdrawDelay\":900,\"salt\":\"0x"
            + "00".repeat(32)
            + "\"},\"voucher\":{\"channelId\":\"0x" + "cd".repeat(32) + "\",\"maxClaimableAmount\":\"10000\","
            + "\"signature\":\"0x" + "11".repeat(32) + "22".repeat(32) + "1b\"},"
            + "\"deposit\":{\"amount\":\"200000\",\"authorization\":{\"erc3009Authorization\":{\"validAfter\":\"0\","
            + "\"validBefore\":\"9999999999\",\"salt\":\"0x" + "ef".repeat(32) + "\",\"signature\":\"0x"
            + "11".repeat(32)
            + "22".repeat(32) + "1c\"}}}}}";

    @Test
    void mutatedChannelPayments_decodeOrFailWithAnX402Reason() {
        int count = Integer.getInteger("cyberia.fuzz.decodes", 20_000);
        long seed = Long.getLong("cyberia.fuzz.seed", System.nanoTime());
        System.out.println("X402DecodeFuzzTest channel seed " + seed + ", " + count + " mutations");
        Random random = new Random(seed);
        String required = "{\"x402Version\":2,\"resource\":{\"url\":\"http://127.0.0.1:1/v1\"},\"accepts\":["
                + CHANNEL.substring(CHANNEL.indexOf("{\"scheme\""), CHANNEL.indexOf("},\"payload\"") + 1) + "]}";
        for (int i = 0; i < count; i++) {
            for (String message : new String[] {CHANNEL, required}) {
                String header = random.nextBoolean()
                        ? base64(mutate(message, JSON_ALPHABET, random))
                        : mutate(base64(message), BASE64_ALPHABET, random);
                try {
                    if (message == CHANNEL) {
                        X402.schemeOf(header);
                        X402.ChannelPayment p = X402.decodeChannelPayment(header);
                        String id = p.config().id(p.accepted().chainId());
                        p.voucher()
                                .isSignedBy(
                                        p.config().voucherSigner(), p.accepted().chainId());
                        p.deposit()
                                .ifPresent(d -> d.isSignedBy(
                                        p.config().payer(), p.accepted().tokenDomain(), id));
                        p.accepted().receiverAuthorizer();
                        p.accepted().withdrawDelay();
                        p.accepted().minDeposit();
                        assertThat(X402.encode(p, null)).isNotBlank();
                    } else {
                        X402.PaymentRequired r = X402.decodePaymentRequired(header);
                        r.accepts().forEach(a -> {
                            a.tokenDomain();
                            if (a.isChannel()) {
                                a.receiverAuthorizer();
                                a.minDeposit();
                            }
                        });
                    }
                } catch (X402Exception expected) {
                    assertThat(expected.reason()).isNotBlank();
                    assertThat(expected.httpStatus()).isBetween(400, 499);
                }
            }
        }
    }

    private static String mutate(String text, String alphabet, Random random) {
        char[] c = text.toCharArray();
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        String out = new String(c);
        return random.nextInt(5) == 0 ? out.substring(0, random.nextInt(out.length())) : out;
    }

    private static String base64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
