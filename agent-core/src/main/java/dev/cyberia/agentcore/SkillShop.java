package dev.cyberia.agentcore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.PaymentState;
import dev.cyberia.treasury.TokenDomain;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Paywall;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sells the skills agents' definitions mark as sold, over HTTP behind x402 v2 {@code exact}, on
 * 127.0.0.1: {@code GET /agents/NAME/skills} lists them with their argument schemas, price, asset
 * and network; {@code POST /agents/NAME/skills/SKILL} with the arguments as a JSON object runs one
 * once paid. Arguments and the policy gate are checked before the buyer is asked to pay, so a call
 * that could not run is never charged; the payment is settled on chain by the agent's own journal
 * (booked {@code income:services}) before the skill runs.
 */
public final class SkillShop implements AutoCloseable {
    static {
        // the JDK's HttpServer leaves Nagle's algorithm on unless told: an answer's headers and body,
        // written apart, then wait on the buyer's delayed ACK (milliseconds on loopback, 40 ms at worst)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SkillShop.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final Optional<URI> advertised;
    private final AgentStore store;
    private final AgentRuntime runtime;
    private final Predicate<String> open;
    /** The shop of the live node that holds an agent, when another node does (the node knows its peers). */
    private final java.util.function.Function<AgentRecord, Optional<String>> soldElsewhere;

    private final Clock clock;

    private final java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement;
    private final PolicyGate gate = new PolicyGate();
    /** The same agents and skills over A2A, paid in the a2a-x402 flow. */
    private final A2aAgents a2aAgents = new A2aAgents(this);

    private final Map<String, TokenDomain> domains = new ConcurrentHashMap<>();
    /** One paywall per selling wallet: it serves each payment once, and a buyer's retry gets the same answer. */
    private final Map<String, X402Paywall> paywalls = new ConcurrentHashMap<>();

    private SkillShop(
            HttpServer server,
            Optional<URI> advertised,
            AgentStore store,
            AgentRuntime runtime,
            Predicate<String> open,
            java.util.function.Function<AgentRecord, Optional<String>> soldElsewhere,
            Clock clock,
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement) {
        this.server = server;
        this.advertised = advertised;
        this.store = store;
        this.runtime = runtime;
        this.open = open;
        this.soldElsewhere = soldElsewhere;
        this.clock = clock;
        this.settlement = settlement;
    }

    /**
     * Where a shop listens, and the URL buyers and other nodes reach it at (its offers and the
     * {@code Location} of a redirect name that URL).
     *
     * @param bind the interface: 127.0.0.1 by default; 0.0.0.0 or a host's address for nodes on other machines
     * @param port 0 for any free port
     * @param advertised the URL others use, when it is not {@code http://BIND:PORT} (behind a proxy, or a
     *     wildcard bind)
     */
    public record Address(String bind, int port, Optional<URI> advertised) {
        public Address {
            if (port < 0 || port > 65535) {
                throw new InvalidAgentInputException("a shop port is 0 to 65535, not " + port);
            }
            if (advertised.isEmpty() && (bind.equals("0.0.0.0") || bind.equals("::"))) {
                throw new InvalidAgentInputException("a shop bound to " + bind
                        + " needs the URL others reach it at: give --shop-url http://HOST:PORT");
            }
        }

        /** On 127.0.0.1:{@code port}; empty for a negative port (no shop). */
        public static Optional<Address> local(int port) {
            return port < 0 ? Optional.empty() : Optional.of(new Address("127.0.0.1", port, Optional.empty()));
        }
    }

    /**
     * Starts the shop on 127.0.0.1.
     *
     * @param port 0 for any free port
     * @param open which agents are served here (those this node hosts)
     */
    public static SkillShop start(
            int port, AgentStore store, AgentRuntime runtime, Predicate<String> open, Clock clock) {
        return start(port, store, runtime, open, clock, java.util.Optional.empty());
    }

    /**
     * Starts the shop on 127.0.0.1, each sale settled through {@code settlement} (a facilitator
     * that pays the gas) when given, else by the selling agent's own transaction.
     */
    public static SkillShop start(
            int port,
            AgentStore store,
            AgentRuntime runtime,
            Predicate<String> open,
            Clock clock,
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement) {
        return start(
                new Address("127.0.0.1", port, Optional.empty()),
                store,
                runtime,
                open,
                agent -> Optional.empty(),
                clock,
                settlement);
    }

    /**
     * The same at {@code at} (another interface than loopback, or known to others by another URL),
     * in a cluster: a buyer asking for an agent another node holds is told that node's shop
     * ({@code soldElsewhere}).
     */
    public static SkillShop start(
            Address at,
            AgentStore store,
            AgentRuntime runtime,
            Predicate<String> open,
            java.util.function.Function<AgentRecord, Optional<String>> soldElsewhere,
            Clock clock,
            java.util.Optional<dev.cyberia.treasury.X402Facilitator> settlement) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(at.bind(), at.port()), 64);
            SkillShop shop =
                    new SkillShop(server, at.advertised(), store, runtime, open, soldElsewhere, clock, settlement);
            server.createContext("/agents/", shop::handle);
            server.setExecutor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "cyberia-shop");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return shop;
        } catch (IOException e) {
            throw new AgentException("cannot sell skills on " + at.bind() + ":" + at.port() + ": " + e.getMessage(), e);
        }
    }

    /** The URL buyers and other nodes reach this shop at. */
    public URI baseUri() {
        return advertised.orElseGet(() -> URI.create("http://"
                + (server.getAddress().getAddress().getHostAddress().contains(":")
                        ? "[" + server.getAddress().getAddress().getHostAddress() + "]"
                        : server.getAddress().getAddress().getHostAddress())
                + ":" + server.getAddress().getPort()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // "", "agents", NAME, "skills" [, SKILL] | "registration.json" | "a2a" | ".well-known", "agent-card.json"
            boolean registration = parts.length == 4 && parts[3].equals("registration.json");
            boolean a2a = parts.length == 4 && parts[3].equals("a2a");
            boolean card = parts.length == 5 && parts[3].equals(".well-known") && parts[4].equals("agent-card.json");
            if (!registration
                    && !a2a
                    && !card
                    && (parts.length < 4 || parts.length > 5 || !parts[3].equals("skills"))) {
                send(exchange, 404, error("not found; use GET /agents/NAME/skills", "not_found"));
                return;
            }
            String name = parts[2];
            if (!AgentStore.isValidName(name)) { // not a name at all: no need to ask the database
                send(
                        exchange,
                        404,
                        error(
                                "no agent is named like that; names are lower-case letters," + " digits and dashes",
                                "not_found"));
                return;
            }
            Optional<AgentRecord> record = store.find(name);
            if (record.isEmpty() || record.get().state() != AgentState.RUNNING || !open.test(name)) {
                Optional<String> elsewhere = record.flatMap(a -> soldElsewhere.apply(a))
                        .filter(url -> !url.equals(baseUri().toString()));
                if (elsewhere.isPresent()) { // another node of this cluster holds it: say where
                    String there = elsewhere.get() + "/agents/" + name + "/skills";
                    exchange.getResponseHeaders().set("Location", there);
                    send(exchange, 404, error("'" + name + "' is sold by another node: " + there, "not_found"));
                    return;
                }
                send(exchange, 404, error("no running agent '" + name + "' sells here", "not_found"));
                return;
            }
            LoadedAgent agent = runtime.load(record.get());
            if (registration) {
                send(exchange, 200, registration(record.get(), agent));
                return;
            }
            if (card) {
                send(exchange, 200, a2aAgents.card(record.get(), agent, catalogue(record.get(), agent)));
                return;
            }
            if (a2a) {
                a2aAgents.handle(exchange, record.get(), agent);
                return;
            }
            if (parts.length == 4) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    send(exchange, 405, error("use GET", "invalid_request"));
                    return;
                }
                send(exchange, 200, catalogue(record.get(), agent));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("use POST with the arguments as a JSON object", "invalid_request"));
                return;
            }
            sell(exchange, record.get(), agent, parts[4]);
        } catch (RuntimeException e) {
            LOG.warn("skill shop: {}", e.toString());
            send(exchange, 500, error("the agent could not serve this: " + e.getMessage(), "server_error"));
        }
    }

    /**
     * The agent's ERC-8004 registration file: what it is, where its skills are sold (over x402),
     * and its identity in the registry, once registered.
     */
    private ObjectNode registration(AgentRecord record, LoadedAgent agent) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "https://eips.ethereum.org/EIPS/eip-8004#registration-v1");
        body.put("name", record.name());
        body.put("description", agent.definition().purpose());
        ArrayNode services = body.putArray("services");
        services.addObject().put("name", "web").put("endpoint", baseUri() + "/agents/" + record.name() + "/skills");
        services.addObject()
                .put("name", "A2A")
                .put("endpoint", baseUri() + "/agents/" + record.name() + "/.well-known/agent-card.json")
                .put("version", "0.3.0");
        body.put("x402Support", true);
        body.put("active", record.state() == AgentState.RUNNING);
        ArrayNode registrations = body.putArray("registrations");
        agent.trust()
                .ifPresent(trust -> trust.agentOf(record.address())
                        .ifPresent(identity -> registrations
                                .addObject()
                                .put("agentId", identity.agentId())
                                .put("agentRegistry", trust.agentRegistry())));
        body.putArray("supportedTrust").add("reputation");
        return body;
    }

    private ObjectNode catalogue(AgentRecord record, LoadedAgent agent) {
        ObjectNode body = JSON.createObjectNode();
        body.put("agent", record.name());
        body.put("payTo", record.address().toString());
        TokenDomain domain = domain(agent);
        ArrayNode skills = body.putArray("skills");
        for (AgentDefinition.Service service : agent.definition().sells()) {
            Optional<ToolDescriptor> tool = tool(agent, service.skill());
            if (tool.isEmpty()) {
                continue;
            }
            ObjectNode s = skills.addObject();
            s.put("name", tool.get().name());
            s.put("description", tool.get().description());
            s.put("price", service.price().toPlainString());
            s.put("symbol", agent.treasury().assets().get(1).symbol());
            s.put("asset", domain.verifyingContract().toString());
            s.put("network", X402.network(domain.chainId()));
            s.put("scheme", X402.EXACT);
            ArrayNode schemes = s.putArray("schemes");
            schemes.add(X402.EXACT);
            if (paywall(record, agent).takesChannels()) {
                schemes.add(X402.BATCH_SETTLEMENT);
            }
            s.put(
                    "url",
                    baseUri() + "/agents/" + record.name() + "/skills/"
                            + tool.get().name());
            s.set("arguments", schema(tool.get()));
        }
        return body;
    }

    /** What a sale answers, whatever carried the request: an HTTP status, headers and a JSON body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply of(int status, JsonNode json) {
            try {
                return new Reply(status, Map.of(), JSON.writeValueAsBytes(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        Reply with(String header, String value) {
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(header, value);
            return new Reply(status, more, body);
        }
    }

    private void sell(HttpExchange exchange, AgentRecord record, LoadedAgent agent, String skill) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            send(exchange, 413, error("the arguments are over " + MAX_BODY + " bytes", "invalid_request"));
            return;
        }
        Reply reply =
                sale(record, agent, skill, body, exchange.getRequestHeaders().getFirst(X402.PAYMENT_SIGNATURE));
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        exchange.getResponseBody().write(reply.body());
    }

    /**
     * One call of a sold skill: the arguments checked, the gate asked, the payment charged (or asked
     * for), the skill run and the sale booked. The same for the skill's URL and for A2A.
     *
     * @param paymentSignature the x402 payment (a {@code PAYMENT-SIGNATURE} header's value), or null
     */
    Reply sale(AgentRecord record, LoadedAgent agent, String skill, byte[] body, String paymentSignature) {
        try {
            return saleOrThrow(record, agent, skill, body, paymentSignature);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Reply saleOrThrow(AgentRecord record, LoadedAgent agent, String skill, byte[] body, String paymentSignature)
            throws IOException {
        Optional<AgentDefinition.Service> service = agent.definition().sells().stream()
                .filter(s -> s.skill().equals(skill))
                .findFirst();
        Optional<ToolDescriptor> tool = tool(agent, skill);
        if (service.isEmpty() || tool.isEmpty()) {
            return Reply.of(404, error("'" + record.name() + "' does not sell '" + skill + "'", "not_found"));
        }
        ToolCall call = new ToolCall("sale", skill, new String(body, StandardCharsets.UTF_8));
        Optional<String> invalid = agent.toolbox().validate(call);
        if (invalid.isPresent()) {
            return Reply.of(400, error(invalid.get(), "invalid_arguments"));
        }
        GateDecision allowed = gate.beforeCall(record.tier(), record.mode(), tool.get());
        if (!(allowed instanceof GateDecision.Allow)) {
            return Reply.of(403, error("the agent may not run this now: " + allowed.reason(), "policy_denied"));
        }
        Amount price = Amount.parse(
                service.get().price().toPlainString(), agent.treasury().assets().get(1));
        X402.Requirements required =
                X402.Requirements.exact(domain(agent).chainId(), domain(agent), price, record.address(), 120);
        X402Paywall paywall = paywall(record, agent);
        List<X402.Requirements> offers = paywall.takesChannels()
                ? List.of(required, paywall.channelOffer(domain(agent), price, 120))
                : List.of(required);
        X402Paywall.Outcome outcome = paywall.charge(
                paymentSignature,
                offers,
                new X402.ResourceInfo(
                        baseUri() + "/agents/" + record.name() + "/skills/" + skill,
                        "one call of " + skill + " by " + record.name(),
                        "application/json"),
                body);
        switch (outcome) {
            case X402Paywall.Outcome.Unpaid unpaid -> {
                return Reply.of(402, error("payment required: " + price + " per call", "payment_required"))
                        .with(X402.PAYMENT_REQUIRED, X402.encode(unpaid.required()));
            }
            case X402Paywall.Outcome.Refused refused -> {
                return Reply.of(refused.status(), error(refused.message(), refused.reason()))
                        .with(X402.PAYMENT_REQUIRED, X402.encode(refused.required()))
                        .with(X402.PAYMENT_RESPONSE, X402.encode(refused.response()));
            }
            case X402Paywall.Outcome.AlreadyServed again -> {
                return new Reply(
                        again.answer().status(),
                        again.answer().headers(),
                        again.answer().body());
            }
            case X402Paywall.Outcome.Vouched vouched -> {
                X402Paywall.ChannelSale voucher = vouched.sale();
                ObjectNode answer = JSON.createObjectNode();
                String[] paymentResponse = new String[1];
                AgentRuntime.Sale sale = runtime.sell(
                        record.name(),
                        call,
                        price,
                        voucher.payer().toString(),
                        new AgentRuntime.SalePayment.Voucher(
                                voucher.channelId(),
                                () -> {
                                    answer.put("skill", skill);
                                    paymentResponse[0] = paywall.charged(
                                            voucher,
                                            price.baseUnits(),
                                            200,
                                            Map.of("Content-Type", "application/json"),
                                            new byte[0]);
                                },
                                () -> paywall.unserved(voucher)));
                ToolOutcome result = sale.outcome();
                answer.put("skill", skill);
                answer.put("outcome", result.label());
                answer.put("result", result.text());
                answer.put(
                        "price",
                        paymentResponse[0] == null ? Amount.zero(price.asset()).toString() : price.toString());
                answer.put("channel", voucher.channelId());
                if (paymentResponse[0] == null) {
                    return Reply.of(200, answer);
                }
                paywall.answered(
                        voucher, 200, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(answer));
                return Reply.of(200, answer).with(X402.PAYMENT_RESPONSE, paymentResponse[0]);
            }
            case X402Paywall.Outcome.Paid paid -> {
                AgentRuntime.Sale sale = runtime.sell(
                        record.name(),
                        call,
                        price,
                        paid.payment().authorization().from().toString(),
                        new AgentRuntime.SalePayment.Collected(
                                paid.response().transaction(), paid.collected().id()));
                ToolOutcome result = sale.outcome();
                ObjectNode answer = JSON.createObjectNode();
                answer.put("skill", skill);
                answer.put("outcome", result.label());
                answer.put("result", result.text());
                answer.put("price", price.toString());
                answer.put("transaction", paid.response().transaction());
                sale.refund().ifPresent(r -> {
                    AgentEvent.PaymentSent sent = AgentEvent.PaymentSent.of(r);
                    ObjectNode refund = answer.putObject("refund");
                    refund.put("amount", sent.amount().toString());
                    refund.put("state", sent.state());
                    refund.put("transaction", sent.transactionHash());
                    refund.put("reason", r.state() instanceof PaymentState.Denied d ? d.reason() : null);
                });
                byte[] bytes = JSON.writeValueAsBytes(answer);
                paywalls.get(record.address().toString())
                        .answered(paid, body, 200, Map.of("Content-Type", "application/json"), bytes);
                return Reply.of(200, answer).with(X402.PAYMENT_RESPONSE, X402.encode(paid.response()));
            }
        }
    }

    private static Optional<ToolDescriptor> tool(LoadedAgent agent, String name) {
        return agent.toolbox().tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst();
    }

    private TokenDomain domain(LoadedAgent agent) {
        var token = agent.treasury().assets().get(1).token().orElseThrow();
        return domains.computeIfAbsent(
                token.toString(), k -> TokenDomain.readFrom(agent.treasury().chain(), token));
    }

    /** The JSON schema of a tool's arguments. */
    static ObjectNode schema(ToolDescriptor tool) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (ToolDescriptor.ToolParameter p : tool.parameters()) {
            properties
                    .putObject(p.name())
                    .put("type", p.type().name().toLowerCase(Locale.ROOT))
                    .put("description", p.description());
            if (p.required()) {
                required.add(p.name());
            }
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private static ObjectNode error(String message, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type);
        return body;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** The selling agent's paywall: one per wallet, claiming what its channels owe every 30 s. */
    private X402Paywall paywall(AgentRecord record, LoadedAgent agent) {
        return paywalls.computeIfAbsent(record.address().toString(), a -> {
            X402Paywall p = settlement
                    .map(f -> new X402Paywall(agent.treasury(), f, clock))
                    .orElseGet(() ->
                            new X402Paywall(agent.treasury(), agent.signer().get(), clock));
            p.claimEvery(java.time.Duration.ofSeconds(30), failed -> {});
            return p;
        });
    }

    /**
     * The x402 schemes this shop takes for an agent's skills: {@code exact}, and {@code
     * batch-settlement} when the agent settles itself and the chain has the channel contract.
     */
    public java.util.Set<String> schemes(String agentName) {
        AgentRecord record = store.get(agentName);
        return paywall(record, runtime.load(record)).takesChannels()
                ? java.util.Set.of(X402.EXACT, X402.BATCH_SETTLEMENT)
                : java.util.Set.of(X402.EXACT);
    }

    /**
     * Claims what every channel owes the selling agents now (one transaction per selling wallet that
     * is owed anything); the shop also does so every 30 seconds and when it closes.
     */
    public List<X402Paywall.Claims> claimChannels() {
        return paywalls.values().stream().map(X402Paywall::claimChannels).toList();
    }

    @Override
    public void close() {
        server.stop(10); // a paid call in flight is answered before the shop goes (at most 10 s)
        paywalls.values().forEach(X402Paywall::close); // what channels owe is claimed before the shop goes
    }
}
