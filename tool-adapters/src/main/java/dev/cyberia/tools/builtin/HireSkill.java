package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.SpendRefusedException;
import dev.cyberia.tools.Skill;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.MarketRegistry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.PolicyDecision;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Hires another agent's sold skill (or any x402 {@code exact} service), at a URL or found by name
 * in the market registry (the cheapest listed within the cap): asks, reads the price,
 * and pays only within the cap the model gave, the gate (payee allowlist, budgets) and the
 * treasury's spend policy; the seller settles, and the spend is booked {@code expenses:services}.
 */
public final class HireSkill {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    @Tool(
            name = "hire",
            value = "Call another agent's sold skill, at its URL or found by name in the market, with JSON"
                    + " arguments, paying its price up to a cap.")
    @Skill(sideEffect = SideEffect.EXTERNAL)
    public String hire(
            @P("the skill's URL, e.g. http://127.0.0.1:8403/agents/scribe/skills/summarize, or its name"
                            + " (summarize, or scribe/summarize) to hire the cheapest seller in the market")
                    String skill,
            @P("the arguments, as a JSON object") String arguments,
            @P("the most to pay, in token units, e.g. \"0.1\"") String maxPrice,
            CallContext context)
            throws IOException, InterruptedException {
        Amount cap = Amount.parsePositive(maxPrice.trim(), context.token());
        Optional<Offer> listed = Optional.empty();
        String target = skill.trim();
        if (!target.contains("://")) {
            MarketRegistry market = context.market()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "'" + target + "' is not a URL and no market registry is configured to find it in"));
            listed = Optional.of(market.cheapest(Offer.Kind.SKILL, target, context.token(), cap)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no seller in the market offers '" + target + "' for at most " + cap)));
        }
        String url = listed.map(o -> o.endpoint().toString()).orElse(target);
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only http and https URLs, not '" + url + "'");
        }
        if (uri.getHost() == null || !context.definition().policy().httpHosts().contains(uri.getHost())) {
            throw new IllegalArgumentException("host '" + uri.getHost() + "' is not in policy.httpHosts "
                    + context.definition().policy().httpHosts());
        }
        HttpResponse<String> first = post(uri, arguments, null);
        if (first.statusCode() != 402) {
            return first.statusCode() + " " + first.body();
        }
        X402.PaymentRequired required = X402.decodePaymentRequired(first.headers()
                .firstValue(X402.PAYMENT_REQUIRED)
                .orElseThrow(
                        () -> new IllegalStateException("the service answered 402 without " + X402.PAYMENT_REQUIRED)));
        X402.Requirements offer = required.accepts().get(0);
        if (listed.isPresent() && !listed.get().offerer().equals(offer.payTo())) {
            throw new SpendRefusedException("the seller at " + url + " asks to be paid at " + offer.payTo()
                    + ", but the market lists offerer " + listed.get().offerer() + "; nothing paid");
        }
        Amount price = Amount.ofBaseUnits(context.token(), offer.amount());
        if (price.compareTo(cap) > 0) {
            throw new SpendRefusedException("the service asks " + price + ", above the cap of " + cap);
        }
        HttpResponse<String> paid = context.purchaseFrom(offer.payTo(), price, (treasury, signer) -> {
            PolicyDecision policy = treasury.checkX402Spend(offer.payTo(), price, url);
            if (!(policy instanceof PolicyDecision.Allow)) {
                throw new SpendRefusedException("the treasury's spend policy refused: " + policy.reason());
            }
            X402Buyer buyer = new X402Buyer(
                    treasury.chain().chainId(), context.token().token().orElseThrow(), Clock.systemUTC(), RANDOM);
            try {
                HttpResponse<String> answer = post(uri, arguments, X402.encode(buyer.pay(required, signer, cap)));
                answer.headers()
                        .firstValue(X402.PAYMENT_RESPONSE)
                        .map(X402::decodeSettlementResponse)
                        .filter(X402.SettlementResponse::success)
                        .ifPresent(
                                s -> treasury.bookOutflow(price, "expenses:services", s.transaction(), "hired " + url));
                return answer;
            } catch (IOException e) {
                throw new IllegalStateException("the service did not answer after payment: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        X402.SettlementResponse settled = paid.headers()
                .firstValue(X402.PAYMENT_RESPONSE)
                .map(X402::decodeSettlementResponse)
                .orElse(null);
        if (settled == null || !settled.success()) {
            return "not served, nothing paid (" + paid.statusCode() + "): " + paid.body();
        }
        context.recordService(url, offer.payTo(), price, settled.transaction());
        return paid.statusCode() == 200
                ? paid.body()
                : "paid but not served (" + paid.statusCode() + "): " + paid.body();
    }

    private static HttpResponse<String> post(URI uri, String body, String payment)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (payment != null) {
            request.header(X402.PAYMENT_SIGNATURE, payment);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
