package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.PolicyDecision;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Buys chat completions from a miner over x402 v2: on 402 it picks a payment in its token within
 * the price cap, asks the wallet's spend policy, signs the EIP-3009 authorization through the
 * keystore, retries with {@code PAYMENT-SIGNATURE}, checks the signed receipt, and books the
 * price in the wallet's ledger against the settlement transaction.
 */
public final class MinerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI miner;
    private final Treasury wallet;
    private final Signer payer;
    private final Amount maxPrice;
    private final X402Buyer buyer;
    private final HttpClient http;

    /** What was bought: the answer, its tokens, the price paid, and the miner's proof. */
    public record PaidAnswer(
            String text,
            int promptTokens,
            int completionTokens,
            Amount pricePaid,
            String transaction,
            Receipt receipt,
            URI miner) {}

    public MinerClient(URI miner, Treasury wallet, Signer payer, Amount maxPrice, Clock clock) {
        this.miner = miner;
        this.wallet = wallet;
        this.payer = payer;
        this.maxPrice = maxPrice;
        this.buyer = new X402Buyer(
                wallet.chain().chainId(), maxPrice.asset().token().orElseThrow(), clock, new SecureRandom());
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * @throws MinerUnavailableException when the miner cannot be reached (retriable: try another)
     * @throws InferenceException when the miner refuses the payment, the policy or the cap refuses
     *     it, or the answer's receipt does not verify
     */
    public PaidAnswer chat(String model, List<Message> messages, GenerationOptions options) {
        byte[] body = requestBody(model, messages, options);
        HttpResponse<byte[]> first = post(body, null);
        if (first.statusCode() == 200) {
            throw new InferenceException(
                    "the miner at " + miner + " answered without asking to be paid; refusing an unpriced answer");
        }
        if (first.statusCode() != 402) {
            throw new InferenceException(
                    "the miner at " + miner + " answered " + first.statusCode() + ": " + utf8(first.body()));
        }
        X402.PaymentRequired required = X402.decodePaymentRequired(first.headers()
                .firstValue(X402.PAYMENT_REQUIRED)
                .orElseThrow(() -> new InferenceException("the miner's 402 has no PAYMENT-REQUIRED header")));
        X402.Requirements offer = required.accepts().stream()
                .findFirst()
                .orElseThrow(() -> new InferenceException("the miner offers no exact EVM payment"));
        Amount price = Amount.ofBaseUnits(maxPrice.asset(), offer.amount());
        if (price.compareTo(maxPrice) <= 0) {
            PolicyDecision decision = wallet.checkX402Spend(offer.payTo(), price, miner.toString());
            if (!(decision instanceof PolicyDecision.Allow)) {
                throw new InferenceException(
                        "the spend policy refused paying " + price + " to " + offer.payTo() + ": " + decision.reason());
            }
        }
        X402.PaymentPayload payment = buyer.pay(required, payer, maxPrice); // refuses, unsigned, above the cap
        HttpResponse<byte[]> paid = post(body, X402.encode(payment));
        X402.SettlementResponse settlement = paid.headers()
                .firstValue(X402.PAYMENT_RESPONSE)
                .map(X402::decodeSettlementResponse)
                .orElseThrow(() -> new InferenceException("the miner's answer has no PAYMENT-RESPONSE header"));
        if (paid.statusCode() != 200 || !settlement.success()) {
            throw new InferenceException(
                    "the miner refused the payment: " + settlement.errorReason() + " (" + paid.statusCode() + ")");
        }
        Receipt receipt = Receipt.decode(paid.headers()
                .firstValue(Receipt.HEADER)
                .orElseThrow(() -> new InferenceException("the miner's answer has no receipt")));
        if (!receipt.verifies(body, paid.body()) || !receipt.miner().equals(offer.payTo())) {
            throw new InferenceException("the miner's receipt does not match the answer or the payee");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(paid.body());
        } catch (IOException e) {
            throw new InferenceException("the miner's answer is not JSON", e);
        }
        int promptTokens = answer.path("usage").path("prompt_tokens").asInt();
        int completionTokens = answer.path("usage").path("completion_tokens").asInt();
        wallet.bookOutflow(
                price,
                "expenses:inference",
                settlement.transaction(),
                "x402 " + model + " from " + offer.payTo() + " at " + miner + ", " + promptTokens + "+"
                        + completionTokens + " tokens");
        JsonNode message = answer.path("choices").path(0).path("message");
        return new PaidAnswer(
                message.path("content").asText(""),
                answer.path("usage").path("prompt_tokens").asInt(),
                answer.path("usage").path("completion_tokens").asInt(),
                price,
                settlement.transaction(),
                receipt,
                miner);
    }

    private static byte[] requestBody(String model, List<Message> messages, GenerationOptions options) {
        try {
            return JSON.writeValueAsBytes(OpenAiWire.chatRequest(model, messages, options));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<byte[]> post(byte[] body, String paymentHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(miner.resolve("/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (paymentHeader != null) {
            request.header(X402.PAYMENT_SIGNATURE, paymentHeader);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new MinerUnavailableException("the miner at " + miner + " is not reachable", e);
        } catch (IOException e) {
            throw new MinerUnavailableException("the miner at " + miner + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MinerUnavailableException("interrupted calling " + miner, e);
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
