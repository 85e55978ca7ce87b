package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Facilitator;
import dev.cyberia.treasury.X402Paywall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A miner: sells a local model's answers over an OpenAI-compatible API ({@code GET /v1/models},
 * {@code POST /v1/chat/completions}) for x402 v2 {@code exact} payments. Unpaid requests get 402
 * with {@code PAYMENT-REQUIRED}; a payment is verified, then collected on chain by the miner's own
 * treasury, and only then is the model run. Every answer carries {@code PAYMENT-RESPONSE} and a
 * signed {@link Receipt}. Nothing is ever served unpaid, unless the price is zero: then it is a
 * plain OpenAI-compatible server without x402. Listens on 127.0.0.1 by default.
 */
public final class MinerServer implements AutoCloseable {
    static {
        // the JDK's HttpServer leaves Nagle's algorithm on unless told: an answer's headers and body,
        // written apart, then wait on the buyer's delayed ACK (milliseconds on loopback, 40 ms at worst)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MinerServer.class);
    /** Where a miner's sales are booked. */
    public static final String INCOME = "income:inference";

    /**
     * @param price the price of one chat completion
     * @param maxBodyBytes larger requests get 413
     * @param facilitator who settles payments: a standard x402 facilitator (the miner needs no ETH),
     *     or empty for the miner's own transaction (it pays the gas)
     * @param perToken over a channel, each answer costs its generated tokens times this, up to
     *     {@code price}; empty: every answer costs {@code price}
     */
    public record Config(
            String host,
            int port,
            Amount price,
            TokenDomain token,
            int maxBodyBytes,
            int maxTimeoutSeconds,
            java.util.Optional<X402Facilitator> facilitator,
            java.util.Optional<Amount> perToken) {
        public static Config local(int port, Amount price, TokenDomain token) {
            return new Config(
                    "127.0.0.1",
                    port,
                    price,
                    token,
                    64 * 1024,
                    120,
                    java.util.Optional.empty(),
                    java.util.Optional.empty());
        }

        /** A free server on 127.0.0.1: plain OpenAI-compatible, no x402, no key, no chain. */
        public static Config free(int port) {
            return new Config(
                    "127.0.0.1",
                    port,
                    null,
                    null,
                    64 * 1024,
                    120,
                    java.util.Optional.empty(),
                    java.util.Optional.empty());
        }

        /** This configuration, settling through {@code settlement} instead of the miner's own transactions. */
        public Config settledBy(X402Facilitator settlement) {
            return new Config(
                    host,
                    port,
                    price,
                    token,
                    maxBodyBytes,
                    maxTimeoutSeconds,
                    java.util.Optional.of(settlement),
                    perToken);
        }

        /** This configuration, charging answers paid over a channel by the token, up to {@code price}. */
        public Config pricedPerToken(Amount each) {
            return new Config(
                    host,
                    port,
                    price,
                    token,
                    maxBodyBytes,
                    maxTimeoutSeconds,
                    facilitator,
                    java.util.Optional.of(each));
        }

        /** What an answer of {@code completionTokens} costs over a channel, in base units: at most the price. */
        java.math.BigInteger charge(int completionTokens) {
            return perToken.map(each -> each.baseUnits()
                            .multiply(java.math.BigInteger.valueOf(Math.max(1, completionTokens)))
                            .min(price.baseUnits()))
                    .orElse(price.baseUnits());
        }

        /** Whether answers cost nothing (no price, or zero). */
        public boolean isFree() {
            return price == null || price.isZero();
        }
    }

    private final Config config;
    private final ChatBackend model;
    private final Treasury wallet;
    private final Signer signer;
    private final X402Paywall paywall;
    private final HttpServer http;

    private MinerServer(Config config, ChatBackend model, Treasury wallet, Signer signer, Clock clock)
            throws IOException {
        this.config = config;
        this.model = model;
        this.wallet = wallet;
        this.signer = signer;
        this.paywall = config.isFree()
                ? null
                : config.facilitator()
                        .map(f -> new X402Paywall(wallet, f, clock, INCOME))
                        .orElseGet(() -> new X402Paywall(wallet, signer, clock, INCOME));
        if (paywall != null) {
            paywall.claimEvery(java.time.Duration.ofSeconds(30), failed -> {});
        }
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/v1/models", this::models);
        http.createContext("/v1/chat/completions", this::chatCompletions);
    }

    /** Starts a free server (see {@link Config#free}): anyone's OpenAI client may use it, tools and streaming included. */
    public static MinerServer startFree(Config config, ChatBackend model) {
        if (!config.isFree()) {
            throw new IllegalArgumentException("a free server has no price; use start(...) to sell answers");
        }
        return start(config, model, null, null, Clock.systemUTC());
    }

    /** Starts serving; {@code wallet} is the miner's treasury and {@code signer} its key (collects payments, signs receipts). */
    public static MinerServer start(Config config, ChatBackend model, Treasury wallet, Signer signer, Clock clock) {
        if (!config.isFree() && (wallet == null || signer == null)) {
            throw new IllegalArgumentException("a priced miner needs its treasury and key");
        }
        model.identity(); // hashes the weights once, before the first buyer waits for it
        try {
            MinerServer server = new MinerServer(config, model, wallet, signer, clock);
            server.http.start();
            return server;
        } catch (IOException e) {
            throw new InferenceException(
                    "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Claims the charges of every channel this miner is paid through now, in one transaction, and
     * books what the contract paid out (it also does so every 30 seconds and when it closes).
     */
    public X402Paywall.Claims claimChannels() {
        return paywall == null
                ? new X402Paywall.Claims(0, java.math.BigInteger.ZERO, java.util.Optional.empty())
                : paywall.claimChannels();
    }

    /** The x402 schemes this miner takes: {@code exact}, and {@code batch-settlement} when it takes channels. */
    public java.util.Set<String> schemes() {
        return takesChannels() ? java.util.Set.of(X402.EXACT, X402.BATCH_SETTLEMENT) : java.util.Set.of(X402.EXACT);
    }

    /** Whether buyers may pay this miner over x402 channels ({@code batch-settlement}). */
    public boolean takesChannels() {
        return paywall != null && paywall.takesChannels();
    }

    public URI baseUri() {
        return URI.create("http://" + config.host() + ":" + http.getAddress().getPort());
    }

    /** The ways to pay: {@code exact} (settled per request), and a channel when this miner takes them. */
    private List<X402.Requirements> offers() {
        X402.Requirements exact = X402.Requirements.exact(
                config.token().chainId(), config.token(), config.price(), signer.address(), config.maxTimeoutSeconds());
        if (!paywall.takesChannels()) {
            return List.of(exact);
        }
        return List.of(exact, paywall.channelOffer(config.token(), config.price(), config.maxTimeoutSeconds()));
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, error("use GET", "invalid_request_error"));
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("object", "list");
            ObjectNode m = body.putArray("data").addObject();
            m.put("id", model.name());
            m.put("object", "model");
            m.put("owned_by", signer == null ? "cyberia" : signer.address().toString());
            model.identity().ifPresent(id -> m.put("x_cyberia_model_hash", id));
            if (config.isFree()) {
                send(exchange, 200, body);
                return;
            }
            ObjectNode pricing = m.putObject("pricing");
            pricing.put("per_request", config.price().units());
            pricing.put("asset", config.token().verifyingContract().toString());
            pricing.put("symbol", config.price().asset().symbol());
            pricing.put("network", X402.network(config.token().chainId()));
            pricing.put("scheme", X402.EXACT);
            com.fasterxml.jackson.databind.node.ArrayNode schemes = pricing.putArray("schemes");
            offers().forEach(o -> schemes.add(o.scheme()));
            config.perToken().ifPresent(each -> pricing.put("per_token", each.units()));
            send(exchange, 200, body);
        }
    }

    private void chatCompletions(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("use POST", "invalid_request_error"));
                return;
            }
            byte[] requestBody = readLimited(exchange.getRequestBody(), config.maxBodyBytes());
            if (requestBody == null) {
                send(
                        exchange,
                        413,
                        error("the request is larger than " + config.maxBodyBytes() + " bytes", "request_too_large"));
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(requestBody);
            } catch (IOException e) {
                send(exchange, 400, error("the request body is not JSON", "invalid_request_error"));
                return;
            }
            if (request == null || !request.isObject()) {
                send(exchange, 400, error("the request body must be a JSON object", "invalid_request_error"));
                return;
            }
            if (!model.name().equals(request.path("model").asText())) {
                send(
                        exchange,
                        404,
                        error(
                                "unknown model '" + request.path("model").asText() + "'; see GET /v1/models",
                                "model_not_found"));
                return;
            }
            ChatCall call;
            try {
                call = new ChatCall(
                        OpenAiWire.messages(request),
                        OpenAiWire.tools(request),
                        OpenAiWire.options(request),
                        request.path("stream").asBoolean(false));
            } catch (IllegalArgumentException e) {
                send(exchange, 400, error(e.getMessage(), "invalid_request_error"));
                return;
            }
            java.util.Optional<String> cannot;
            try {
                cannot = model.refusal(call.messages(), call.tools(), call.options());
            } catch (InvalidModelException e) { // the model's template refuses these messages
                send(exchange, 400, error(e.getMessage(), "invalid_request_error"));
                return;
            }
            if (cannot.isPresent()) { // refused before any payment is asked for or taken
                send(exchange, 400, error(cannot.get(), "context_length_exceeded"));
                return;
            }
            if (paywall == null) { // a free server: plain OpenAI-compatible, no x402
                if (call.stream()) {
                    stream(exchange, call, requestBody, null);
                } else {
                    sendBytes(exchange, 200, answer(call));
                }
                return;
            }
            X402Paywall.Outcome outcome = paywall.charge(
                    exchange.getRequestHeaders().getFirst(X402.PAYMENT_SIGNATURE),
                    offers(),
                    new X402.ResourceInfo(
                            baseUri() + "/v1/chat/completions",
                            "one chat completion from " + model.name(),
                            "application/json"),
                    requestBody);
            X402Paywall.Outcome.Paid sale;
            switch (outcome) {
                case X402Paywall.Outcome.Unpaid unpaid -> {
                    exchange.getResponseHeaders().set(X402.PAYMENT_REQUIRED, X402.encode(unpaid.required()));
                    send(
                            exchange,
                            402,
                            error("payment required: " + config.price() + " per request", "payment_required"));
                    return;
                }
                case X402Paywall.Outcome.Refused refused -> {
                    exchange.getResponseHeaders().set(X402.PAYMENT_REQUIRED, X402.encode(refused.required()));
                    exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, X402.encode(refused.response()));
                    send(exchange, refused.status(), error(refused.message(), refused.reason()));
                    return;
                }
                case X402Paywall.Outcome.AlreadyServed again -> {
                    again.answer().headers().forEach(exchange.getResponseHeaders()::set);
                    sendBytes(exchange, again.answer().status(), again.answer().body());
                    return;
                }
                case X402Paywall.Outcome.Vouched vouched -> {
                    serveOverChannel(exchange, call, requestBody, vouched.sale());
                    return;
                }
                case X402Paywall.Outcome.Paid paid -> {
                    exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, X402.encode(paid.response()));
                    sale = paid;
                }
            }
            if (call.stream()) {
                stream(
                        exchange,
                        call,
                        requestBody,
                        new Sold(
                                sale.payment().authorization().value().toString(),
                                sale.payment().authorization().from(),
                                sale.response().transaction()));
                return;
            }
            byte[] responseBody;
            try {
                responseBody = answer(call);
            } catch (RuntimeException failed) {
                refund(exchange, sale.collected(), failed);
                return;
            }
            String receipt = Receipt.sign(
                            signer,
                            requestBody,
                            responseBody,
                            model.name(),
                            sale.payment().authorization().value().toString(),
                            sale.payment().authorization().from(),
                            sale.response().transaction())
                    .encode();
            exchange.getResponseHeaders().set(Receipt.HEADER, receipt);
            paywall.answered(sale, requestBody, 200, java.util.Map.of(Receipt.HEADER, receipt), responseBody);
            sendBytes(exchange, 200, responseBody);
            told(new Sale(
                    sale.collected().amount(),
                    sale.payment().authorization().from(),
                    sale.response().transaction(),
                    String.valueOf(sale.collected().id())));
        }
    }

    /**
     * A request paid by voucher: the model runs, the answer is charged by its tokens (up to the
     * price) and journaled before it leaves, with a receipt for the amount charged. A stream is
     * charged the price (its headers leave before its tokens are known). A model that fails is not
     * charged at all.
     */
    private void serveOverChannel(
            HttpExchange exchange, ChatCall call, byte[] requestBody, X402Paywall.ChannelSale sale) throws IOException {
        if (call.stream()) {
            exchange.getResponseHeaders()
                    .set(
                            X402.PAYMENT_RESPONSE,
                            paywall.charged(sale, sale.price(), 200, java.util.Map.of(), new byte[0]));
            stream(exchange, call, requestBody, new Sold(sale.price().toString(), sale.payer(), sale.channelId()));
            return;
        }
        Generation g;
        byte[] responseBody;
        try {
            g = model.chat(call.messages(), call.tools(), call.options());
            responseBody = JSON.writeValueAsBytes(OpenAiWire.completion(g, model.name()));
            remember(call, g, responseBody);
        } catch (RuntimeException failed) {
            paywall.unserved(sale);
            send(exchange, 502, error("the model failed; nothing was charged: " + failed.getMessage(), "server_error"));
            return;
        }
        java.math.BigInteger charge = config.charge(g.completionTokens());
        String receipt = Receipt.sign(
                        signer,
                        requestBody,
                        responseBody,
                        model.name(),
                        charge.toString(),
                        sale.payer(),
                        sale.channelId())
                .encode();
        String paymentResponse =
                paywall.charged(sale, charge, 200, java.util.Map.of(Receipt.HEADER, receipt), responseBody);
        exchange.getResponseHeaders().set(Receipt.HEADER, receipt);
        exchange.getResponseHeaders().set(X402.PAYMENT_RESPONSE, paymentResponse);
        sendBytes(exchange, 200, responseBody);
        told(new Sale(
                Amount.ofBaseUnits(config.price().asset(), charge),
                sale.payer(),
                sale.channelId(),
                sale.channelId().substring(2, 10) + "-"
                        + UUID.randomUUID().toString().substring(0, 8)));
    }

    /**
     * A paid request the model could not answer: the price goes back to the buyer once, through
     * the miner's journal ({@code refund:PAYMENT_ID}, booked {@code expenses:refunds}), and the
     * answer says so.
     */
    private void refund(HttpExchange exchange, dev.cyberia.treasury.Payment collected, RuntimeException failed)
            throws IOException {
        dev.cyberia.treasury.Payment refund =
                wallet.refund(collected.id(), collected.payee(), collected.amount(), signer);
        ObjectNode body = error("the model failed after payment: " + failed.getMessage(), "server_error");
        ObjectNode r = body.putObject("refund");
        r.put("amount", collected.amount().toString());
        r.put("state", refund.state().name());
        if (refund.state() instanceof dev.cyberia.treasury.PaymentState.Confirmed c) {
            r.put("transaction", c.transactionHash());
        }
        send(exchange, 502, body);
    }

    /** A chat request as read from the wire. */
    private record ChatCall(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, boolean stream) {}

    /**
     * Streams the answer as server-sent events in OpenAI's chunk format. A paid stream ends with an
     * event carrying the receipt ({@code x_cyberia_receipt}), whose response hash covers the
     * streamed text, since headers leave before the text exists.
     */
    /** What a streamed answer's receipt states it was paid: the amount, by whom, and how (a transaction or a channel). */
    private record Sold(String amount, dev.cyberia.keystore.Address payer, String payment) {}

    private void stream(HttpExchange exchange, ChatCall call, byte[] requestBody, Sold sold) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        String id = "chatcmpl-" + UUID.randomUUID();
        StringBuilder content = new StringBuilder();
        try (OutputStream out = exchange.getResponseBody()) {
            Generation g;
            try {
                g = model.chatStreaming(call.messages(), call.tools(), call.options(), delta -> {
                    content.append(delta);
                    ObjectNode chunk = chunk(id);
                    chunk.withArray("choices")
                            .addObject()
                            .put("index", 0)
                            .putObject("delta")
                            .put("content", delta);
                    event(out, chunk);
                });
            } catch (java.io.UncheckedIOException clientGone) {
                return;
            }
            if (!g.toolCalls().isEmpty()) {
                com.fasterxml.jackson.databind.node.ArrayNode deltas = OpenAiWire.toolCallDeltas(g.toolCalls());
                ObjectNode calls = chunk(id);
                calls.withArray("choices")
                        .addObject()
                        .put("index", 0)
                        .putObject("delta")
                        .set("tool_calls", deltas);
                event(out, calls);
                content.append(deltas); // the receipt covers the calls too
            }
            ObjectNode last = chunk(id);
            ObjectNode choice = last.withArray("choices").addObject();
            choice.put("index", 0).putObject("delta");
            choice.put("finish_reason", g.openAiFinishReason());
            last.set("usage", OpenAiWire.usage(g));
            event(out, last);
            if (sold != null) {
                Receipt receipt = Receipt.sign(
                        signer,
                        requestBody,
                        content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        model.name(),
                        sold.amount(),
                        sold.payer(),
                        sold.payment());
                ObjectNode r = JSON.createObjectNode();
                r.put("x_cyberia_receipt", receipt.encode());
                event(out, r);
                told(new Sale(
                        Amount.ofBaseUnits(config.price().asset(), new java.math.BigInteger(sold.amount())),
                        sold.payer(),
                        sold.payment(),
                        sold.payment() + "-" + UUID.randomUUID().toString().substring(0, 8)));
            }
            out.write("data: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private ObjectNode chunk(String id) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", System.currentTimeMillis() / 1000);
        chunk.put("model", model.name());
        return chunk;
    }

    private static void event(OutputStream out, JsonNode data) {
        try {
            out.write(("data: " + data + "\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private byte[] answer(ChatCall call) throws IOException {
        Generation g = model.chat(call.messages(), call.tools(), call.options());
        byte[] body = JSON.writeValueAsBytes(OpenAiWire.completion(g, model.name()));
        remember(call, g, body);
        return body;
    }

    /** An answer sold, kept so that a dispute of it can be appealed: the request as read, and the generation. */
    private record Served(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Generation g) {}

    /** The latest answers sold with a fingerprint, by the hash their receipts state. */
    private final java.util.Map<String, Served> served =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Served> eldest) {
                    return size() > KEPT_FOR_APPEALS;
                }
            });

    /** How many of its latest answers a miner keeps, to appeal a dispute of any of them. */
    public static final int KEPT_FOR_APPEALS = 2_000;

    private void remember(ChatCall call, Generation g, byte[] body) {
        if (g.fingerprint().isPresent()) {
            served.put(Receipt.hash(body), new Served(call.messages(), call.tools(), call.options(), g));
        }
    }

    /**
     * The validation request for an answer this miner sold, named by its receipt (signed by this
     * miner, one of its latest {@value #KEPT_FOR_APPEALS} answers): what a re-executing validator
     * is asked to replay. Empty when it is not one of them.
     */
    public Optional<ReplayValidator.Request> validationRequestFor(Receipt receipt) {
        if (!receipt.miner().equals(signer.address())) {
            return Optional.empty();
        }
        Served s = served.get(receipt.responseHash());
        return s == null
                ? Optional.empty()
                : Optional.of(ReplayValidator.requestFor(s.messages(), s.tools(), s.options(), s.g()));
    }

    /**
     * An answer sold and paid for, as its buyer got it.
     *
     * @param transaction the settlement's transaction, or the channel's id
     * @param payment unique to the sale: the journal's payment id, or the channel's and a suffix
     */
    public record Sale(Amount price, dev.cyberia.keystore.Address payer, String transaction, String payment) {}

    private volatile java.util.function.Consumer<Sale> onSale = sale -> {};

    /** Tells {@code listener} of each answer sold, once its money is in the books (the node counts them as jobs). */
    public void onSale(java.util.function.Consumer<Sale> listener) {
        this.onSale = listener;
    }

    private void told(Sale sale) {
        try {
            onSale.accept(sale);
        } catch (RuntimeException e) {
            LOG.warn("a sale's listener failed: {}", e.toString());
        }
    }

    /** The miner's wallet: whom it is paid at, and who signs its receipts. */
    public dev.cyberia.keystore.Address wallet() {
        return signer.address();
    }

    private static ObjectNode error(String message, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type);
        return body;
    }

    private static byte[] readLimited(InputStream in, int max) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        return bytes.length > max ? null : bytes;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendBytes(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(10); // a paid request in flight is answered before the miner goes (at most 10 s)
        if (paywall != null) {
            paywall.close(); // the channels' charges are claimed before the miner goes
        }
    }
}
