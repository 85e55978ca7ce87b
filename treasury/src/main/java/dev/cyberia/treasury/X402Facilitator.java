package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A standard x402 v2 facilitator a seller hands settlement to ({@code POST /settle}; {@code GET
 * /supported} to check it takes our network): it submits the buyer's EIP-3009 authorization and
 * pays the gas, so a seller without ETH can sell. The seller still verifies each payment itself
 * first, journals it, and books it once from what the chain shows ({@link Treasury#collectThrough}).
 */
public final class X402Facilitator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final URI url;
    private final Duration timeout;

    private X402Facilitator(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
    }

    /**
     * The facilitator at {@code url} (its base: {@code /settle} and {@code /supported} are under it).
     *
     * @throws InvalidTreasuryInputException when the URL is not http(s)
     */
    public static X402Facilitator at(URI url) {
        if (url.getScheme() == null
                || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new InvalidTreasuryInputException("a facilitator is an http(s) URL, got '" + url + "'");
        }
        String base = url.toString().endsWith("/") ? url.toString() : url + "/";
        return new X402Facilitator(URI.create(base), Duration.ofSeconds(60));
    }

    public URI url() {
        return url;
    }

    /**
     * Whether the facilitator settles {@code exact} on {@code network} (its {@code /supported} kinds).
     *
     * @throws SellerUnreachableException when it does not answer
     */
    public boolean supports(String network) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(url.resolve("supported"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return false;
            }
            for (JsonNode kind : JSON.readTree(r.body()).path("kinds")) {
                if (kind.path("x402Version").asInt() == X402.VERSION
                        && kind.path("scheme").asText().equals(X402.EXACT)
                        && kind.path("network").asText().equals(network)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new SellerUnreachableException("the facilitator " + url + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SellerUnreachableException("interrupted asking the facilitator " + url, e);
        }
    }

    /**
     * Asks the facilitator to settle a payment: the buyer's {@code PAYMENT-SIGNATURE} header as it
     * came, against the requirement it was checked against.
     *
     * @throws IOException when no answer came (it may have settled: the chain tells)
     */
    X402.SettlementResponse settle(String paymentHeader, X402.Requirements required) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("x402Version", X402.VERSION);
        body.set(
                "paymentPayload",
                JSON.readTree(new String(Base64.getDecoder().decode(paymentHeader.trim()), StandardCharsets.UTF_8)));
        body.set("paymentRequirements", required.wire());
        HttpResponse<String> r;
        try {
            r = HTTP.send(
                    HttpRequest.newBuilder(url.resolve("settle"))
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("the facilitator answered " + r.statusCode() + " without JSON");
        }
        if (!answer.has("success")) {
            return new X402.SettlementResponse(false, "unexpected_settle_error", "", required.network(), null);
        }
        return new X402.SettlementResponse(
                answer.path("success").asBoolean(),
                answer.path("errorReason").asText(answer.path("error").asText(null)),
                answer.path("transaction").asText(""),
                answer.path("network").asText(required.network()),
                null);
    }

    @Override
    public String toString() {
        return "facilitator " + url;
    }
}
