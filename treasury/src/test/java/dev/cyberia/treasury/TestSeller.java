package dev.cyberia.treasury;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cyberia.keystore.Address;
import dev.cyberia.keystore.Signer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain x402 v2 seller for purchase tests (no Cyberia receipt), settling through its own
 * journal like every Cyberia seller, and misbehaving on request: settling then dropping the
 * connection, stalling and then asking afresh, answering late, or listing two payees.
 */
final class TestSeller implements AutoCloseable {
    enum Mode {
        HONEST,
        SETTLE_THEN_DROP,
        /** Stalls past the buyer's timeout without settling, then answers every payment with a fresh 402. */
        STALL_THEN_FRESH_402,
        /** Settles, then takes {@link #delayMillis} to answer. */
        SETTLE_THEN_DELAY,
        /** Lists two ways to pay, to {@code other} (cheaper) and to itself; settles whichever it is paid. */
        TWO_PAYEES,
        /** Also offers a channel ({@code batch-settlement}), charging {@link #channelCharge} of the price per request. */
        CHANNEL,
        /** As {@link #CHANNEL}, but drops the connection after charging a voucher, without an answer. */
        CHANNEL_CHARGE_THEN_DROP
    }

    private final HttpServer server;
    private final X402Paywall paywall;
    private final TokenDomain domain;
    private final Address payTo;
    private final Amount price;
    private final Address other;
    volatile Mode mode = Mode.HONEST;
    volatile long delayMillis = 3000;
    final AtomicInteger served = new AtomicInteger();
    final AtomicInteger paidRequests = new AtomicInteger();
    /** What a request paid over a channel is charged, in base units; null: the whole price. */
    volatile java.math.BigInteger channelCharge;

    TestSeller(Treasury wallet, Signer signer, Amount price, Address other) throws IOException {
        this(wallet, new X402Paywall(wallet, signer, Clock.systemUTC()), price, other);
    }

    /** A seller that hands settlement to {@code facilitator} (its wallet needs no ETH). */
    TestSeller(Treasury wallet, X402Facilitator facilitator, Amount price) throws IOException {
        this(wallet, new X402Paywall(wallet, facilitator, Clock.systemUTC()), price, wallet.wallet());
    }

    private TestSeller(Treasury wallet, X402Paywall paywall, Amount price, Address other) throws IOException {
        this.paywall = paywall;
        this.domain = TokenDomain.readFrom(wallet.chain(), price.asset().token().orElseThrow());
        this.payTo = wallet.wallet();
        this.price = price;
        this.other = other;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/item", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/item");
    }

    private boolean channels() {
        return mode == Mode.CHANNEL || mode == Mode.CHANNEL_CHARGE_THEN_DROP;
    }

    X402Paywall paywall() {
        return paywall;
    }

    private X402.Requirements channelOffer() {
        return paywall.channelOffer(domain, price, 60);
    }

    private X402.Requirements offer(Address to, Amount amount) {
        return X402.Requirements.exact(domain.chainId(), domain, amount, to, 60);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String header = exchange.getRequestHeaders().getFirst(X402.PAYMENT_SIGNATURE);
            X402.ResourceInfo resource = new X402.ResourceInfo(url().toString(), "an item", "text/plain");
            X402.Requirements mine = offer(payTo, price);
            if (header == null) {
                List<X402.Requirements> accepts = mode == Mode.TWO_PAYEES
                        ? List.of(
                                offer(
                                        other,
                                        Amount.ofBaseUnits(
                                                price.asset(), price.baseUnits().subtract(java.math.BigInteger.ONE))),
                                mine)
                        : channels() ? List.of(mine, channelOffer()) : List.of(mine);
                exchange.getResponseHeaders()
                        .set(X402.PAYMENT_REQUIRED, X402.encode(new X402.PaymentRequired(resource, accepts, "pay")));
                send(exchange, 402, "payment required");
                return;
            }
            paidRequests.incrementAndGet();
            if (mode == Mode.STALL_THEN_FRESH_402) {
                if (paidRequests.get() == 1) {
                    sleep(delayMillis);
                }
                exchange.getResponseHeaders()
                        .set(
                                X402.PAYMENT_REQUIRED,
                                X402.encode(new X402.PaymentRequired(resource, List.of(mine), "pay")));
                send(exchange, 402, "payment required");
                return;
            }
            X402.Requirements required = mine;
            if (mode == Mode.TWO_PAYEES) {
                X402.PaymentPayload p = X402.decodePaymentPayload(header);
                if (p.accepted().payTo().equals(other)) {
                    send(exchange, 402, "the cheaper payee is not this server's to settle");
                    return;
                }
            }
            X402Paywall.Outcome outcome = paywall.charge(
                    header, channels() ? List.of(mine, channelOffer()) : List.of(required), resource, body);
            if (outcome instanceof X402Paywall.Outcome.Vouched v) {
                served.incrementAndGet();
                byte[] item = "the item".getBytes(StandardCharsets.UTF_8);
                java.math.BigInteger charge = channelCharge == null ? price.baseUnits() : channelCharge;
                String charged = paywall.charged(v.sale(), charge, 200, java.util.Map.of(), item);
                if (mode == Mode.CHANNEL_CHARGE_THEN_DROP) {
                    return; // closes the exchange without an answer
                }
                exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, charged);
                send(exchange, 200, "the item");
                return;
            }
            if (outcome instanceof X402Paywall.Outcome.Refused r && channels()) {
                exchange.getResponseHeaders().set(X402.PAYMENT_REQUIRED, X402.encode(r.required()));
            }
            if (outcome instanceof X402Paywall.Outcome.Refused r) {
                exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, X402.encode(r.response()));
                send(exchange, r.status(), r.message());
                return;
            }
            if (outcome instanceof X402Paywall.Outcome.AlreadyServed again) {
                again.answer().headers().forEach(exchange.getResponseHeaders()::set);
                send(
                        exchange,
                        again.answer().status(),
                        new String(again.answer().body(), StandardCharsets.UTF_8));
                return;
            }
            if (!(outcome instanceof X402Paywall.Outcome.Paid paid)) {
                send(exchange, 402, "payment required");
                return;
            }
            if (mode == Mode.SETTLE_THEN_DROP) {
                return; // closes the exchange without an answer
            }
            if (mode == Mode.SETTLE_THEN_DELAY) {
                sleep(delayMillis);
            }
            served.incrementAndGet();
            exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, X402.encode(paid.response()));
            paywall.answered(paid, body, 200, java.util.Map.of(), "the item".getBytes(StandardCharsets.UTF_8));
            send(exchange, 200, "the item");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
