package dev.cyberia.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.cyberia.agentcore.AgentRecord;
import dev.cyberia.agentcore.AgentStore;
import dev.cyberia.agentcore.LoadedAgent;
import dev.cyberia.agentcore.Runway;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Offer;
import dev.cyberia.treasury.Payment;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TreasuryDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's JSON: {@code GET /api/agents}, {@code GET /api/agents/NAME}, {@code GET
 * /api/agents/NAME/events} (server-sent events), {@code GET /api/market}, {@code GET
 * /api/approvals}, and {@code POST /api/approvals/ID/approve|deny} (token and same origin).
 * Nothing here shows a key, a passphrase or the token.
 */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dashboard.Node node;
    private final String token;
    private final EventStream stream;

    Api(Dashboard.Node node, String token, EventStream stream) {
        this.node = node;
        this.token = token;
        this.stream = stream;
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // "", "api", WHAT [, NAME|ID [, events|approve|deny]]
            String method = exchange.getRequestMethod();
            if (method.equals("POST")) {
                if (!allowedToChange(exchange)) {
                    return;
                }
                if (parts.length == 5 && parts[2].equals("approvals")) {
                    decide(exchange, parts[3], parts[4]);
                    return;
                }
                if (parts.length == 5
                        && parts[2].equals("agents")
                        && parts[4].equals("stop")
                        && AgentStore.isValidName(parts[3])) {
                    stop(exchange, parts[3]);
                    return;
                }
                send(exchange, 404, error("no such action"));
                return;
            }
            if (!method.equals("GET")) {
                send(exchange, 405, error("use GET, or POST for approve and deny"));
                return;
            }
            if (parts.length == 3 && parts[2].equals("agents")) {
                send(exchange, 200, agents());
            } else if (parts.length == 4 && parts[2].equals("agents") && AgentStore.isValidName(parts[3])) {
                Optional<AgentRecord> agent = node.store().find(parts[3]);
                if (agent.isEmpty()) {
                    send(exchange, 404, error("no agent named '" + parts[3] + "'"));
                } else {
                    send(exchange, 200, agent(agent.get()));
                }
            } else if (parts.length == 5
                    && parts[2].equals("agents")
                    && parts[4].equals("events")
                    && AgentStore.isValidName(parts[3])) {
                stream.serve(exchange, parts[3]); // holds the exchange until the browser leaves
            } else if (parts.length == 3 && parts[2].equals("approvals")) {
                send(exchange, 200, approvals());
            } else if (parts.length == 3 && parts[2].equals("market")) {
                send(exchange, 200, market());
            } else {
                send(exchange, 404, error("not found"));
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard: {}", e.toString());
            send(exchange, 500, error("the node could not answer: " + e.getMessage()));
        }
    }

    /**
     * A change needs the token in its header, from this origin: a cross-site form cannot set a
     * header, and a script elsewhere is refused by its Origin.
     */
    private boolean allowedToChange(HttpExchange exchange) throws IOException {
        String given = exchange.getRequestHeaders().getFirst(Dashboard.TOKEN_HEADER);
        if (given == null
                || !java.security.MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            send(exchange, 401, error("this needs the dashboard's token (printed at start, in HOME/dashboard.token)"));
            return false;
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && (host == null || !origin.equals("http://" + host))) {
            send(exchange, 403, error("refused: a request from another site (" + origin + ")"));
            return false;
        }
        return true;
    }

    /**
     * Every agent in a line, in three reads whatever their number: the agents, every wallet's
     * books, and the head of every agent's event chain.
     */
    private JsonNode agents() {
        Instant now = node.clock().instant();
        Map<Address, TreasuryDatabase.WalletBooks> books = new HashMap<>();
        for (TreasuryDatabase.WalletBooks b : node.database().books(now.minus(Duration.ofDays(1)))) {
            if (!b.held().asset().symbol().equals(Asset.ether().symbol())) {
                books.put(b.wallet(), b); // the token; gas in ether is on the agent's own page
            }
        }
        Map<String, String> latest = node.events().latest();
        ArrayNode rows = JSON.createArrayNode();
        for (AgentRecord a : node.store().all()) {
            ObjectNode row = rows.addObject();
            row.put("name", a.name());
            row.put("tier", a.tier().name());
            row.put("mode", a.mode().name());
            row.put("state", a.state().name());
            row.put("address", a.address().toString());
            a.host().ifPresent(h -> row.put("node", h));
            TreasuryDatabase.WalletBooks b = books.get(a.address());
            if (b != null) {
                row.set("balance", money(b.held()));
                row.put(
                        "netToday",
                        units(
                                b.income().baseUnits().subtract(b.spent().baseUnits()),
                                b.held().asset()));
                row.put("earnedToday", b.income().units());
                row.put("spentToday", b.spent().units());
                Runway.of(b.held(), b.spent()).days().ifPresent(d -> row.put("runwayDays", d.toPlainString()));
            }
            String last = latest.get(a.name());
            if (last != null) {
                JsonNode e = read(last);
                row.put("lastAction", describe(e));
                row.put("lastAt", e.path("at").asText());
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("agents", rows);
        return out;
    }

    private JsonNode agent(AgentRecord a) {
        ObjectNode out = JSON.createObjectNode();
        out.put("name", a.name());
        out.put("tier", a.tier().name());
        out.put("mode", a.mode().name());
        out.put("state", a.state().name());
        out.put("address", a.address().toString());
        Optional<Long> broken = node.events().verify(a.name());
        out.put("chainIntact", broken.isEmpty());
        broken.ifPresent(seq -> out.put("chainBrokenAt", seq));
        // the balance as each tick saw it: the treasury over time
        ArrayNode balance = out.putArray("balance");
        for (String body : node.events().lastOfType(a.name(), "TickStarted", 2000)) {
            JsonNode e = read(body);
            ObjectNode p = balance.addObject();
            p.put("at", Instant.parse(e.path("at").asText()).getEpochSecond());
            p.put("amount", e.path("balance").path("amount").asText());
            p.put("asset", e.path("balance").path("asset").asText());
        }
        Optional<LoadedAgent> here = loaded(a); // put together once for the whole page
        Optional<Asset> token = here.map(l -> l.treasury().assets().get(1));
        // the books period by period: income against spend and holdings, gas in ether
        here.ifPresent(l -> {
            Instant now = node.clock().instant();
            ObjectNode books = out.putObject("books");
            books.set("hour", periods(l.treasury(), Duration.ofHours(1), now.minus(Duration.ofDays(2))));
            books.set("day", periods(l.treasury(), Duration.ofDays(1), now.minus(Duration.ofDays(30))));
        });
        // how it climbed: every tier change with the rule and figures that moved it
        ArrayNode climbs = out.putArray("tiers");
        for (String body : node.events().lastOfType(a.name(), "TierChanged", 50)) {
            JsonNode e = read(body);
            ObjectNode c = climbs.addObject();
            c.put("at", e.path("at").asText());
            c.put("from", e.path("from").asText());
            c.put("to", e.path("to").asText());
            c.put("rule", e.path("rule").asText());
            c.put("figures", e.path("figures").asText());
        }
        token.ifPresent(t -> out.put("asset", t.symbol()));
        here.ifPresent(l -> {
            Asset t = l.treasury().assets().get(1);
            // toward the next tier: each rule with its figures, as the ladder judges it
            Amount balanceNow = last(a.name(), "TickStarted")
                    .map(e -> Amount.parse(e.path("balance").path("amount").asText("0"), t))
                    .orElse(Amount.zero(t));
            dev.cyberia.agentcore.Ladder ladder = node.runtime().ladder();
            ladder.progressFrom(a.tier(), node.runtime().figures(a, balanceNow, ladder.windowAbove(a.tier())))
                    .ifPresent(p -> {
                        ObjectNode n = out.putObject("ladder");
                        n.put("toward", p.toward().name());
                        n.put("ready", p.ready());
                        ArrayNode conditions = n.putArray("conditions");
                        p.conditions().forEach(conditions::add);
                    });
            // its payments and purchases, each in its journal state
            ArrayNode payments = out.putArray("payments");
            for (Payment p : l.treasury().recentPayments(100)) {
                ObjectNode row = payments.addObject();
                row.put("id", p.id());
                row.put("at", p.createdAt().toString());
                row.put("to", p.payee().toString());
                row.put("amount", p.amount().toString());
                row.put("purpose", p.purpose());
                row.put("state", p.state().name());
                p.resource().ifPresent(r -> row.put("resource", r));
            }
            // profit and loss per goal, with its stop-loss
            java.util.Set<String> stopped = node.store().stoppedGoals(a.name());
            ArrayNode goals = out.putArray("goals");
            for (dev.cyberia.agentcore.AgentDefinition.Goal g : l.definition().goals()) {
                ObjectNode row = goals.addObject();
                row.put("goal", g.text());
                row.put("net", units(node.events().goalNet(a.name(), g.text()), t));
                g.stopLoss().ifPresent(limit -> row.put("stopLoss", limit.toPlainString()));
                row.put("stopped", stopped.contains(g.text()));
            }
        });
        ArrayNode ledger = out.putArray("ledger");
        here.ifPresent(l -> {
            List<LedgerEntry> entries = l.treasury().ledger();
            for (LedgerEntry e : entries.subList(Math.max(0, entries.size() - 200), entries.size())) {
                ObjectNode row = ledger.addObject();
                row.put("at", e.createdAt().toString());
                row.put("account", e.account());
                row.put("amount", e.units());
                row.put("asset", e.asset().symbol());
                if (e.transactionHash() != null) {
                    row.put("transactionHash", e.transactionHash());
                }
                if (e.memo() != null) {
                    row.put("memo", e.memo());
                }
            }
        });
        ArrayNode recent = out.putArray("events");
        for (String body : node.events().last(a.name(), 50)) {
            recent.add(read(body));
        }
        return out;
    }

    /** Each period of the token's and ether's books: {at, income, spent, held} per asset. */
    private static JsonNode periods(Treasury treasury, Duration length, Instant since) {
        ObjectNode out = JSON.createObjectNode();
        for (Asset asset : treasury.assets()) {
            ArrayNode rows = out.putArray(asset.symbol());
            for (Treasury.Period p : treasury.history(asset, length, since)) {
                ObjectNode row = rows.addObject();
                row.put("at", p.start().getEpochSecond());
                row.put("income", p.income().units());
                row.put("spent", p.spent().units());
                row.put("held", p.held().units());
            }
        }
        return out;
    }

    private static ObjectNode money(Amount amount) {
        ObjectNode m = JSON.createObjectNode();
        m.put("amount", amount.units());
        m.put("asset", amount.asset().symbol());
        return m;
    }

    private JsonNode approvals() {
        ArrayNode rows = JSON.createArrayNode();
        for (Payment p : node.database().awaitingApproval()) {
            ObjectNode row = rows.addObject();
            row.put("id", p.id());
            row.put("payer", p.payer().toString());
            agentOf(p).ifPresent(a -> row.put("agent", a.name()));
            row.put("to", p.payee().toString());
            row.put("amount", p.amount().toString());
            row.put("purpose", p.purpose());
            row.put("state", p.state().name());
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("waiting", rows);
        return out;
    }

    /**
     * The registry's offers, and the miners this node's agents bought answers from over the last
     * week: how many, how many tokens, and what they paid.
     */
    private JsonNode market() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode rows = out.putArray("offers");
        Map<String, ObjectNode> miners = new TreeMap<>();
        if (node.market().isEmpty()) {
            out.put("note", "this node has no market registry");
        } else {
            for (Offer o : node.market().get().active()) {
                ObjectNode row = rows.addObject();
                row.put("id", o.id());
                row.put("kind", o.kind().name());
                row.put("name", o.name());
                row.put("seller", o.offerer().toString());
                row.put("priceBaseUnits", o.price().toString());
                row.put("asset", o.asset().toString());
                row.put("endpoint", o.endpoint().toString());
                if (o.kind() == Offer.Kind.INFERENCE) {
                    ObjectNode m = miner(miners, o.endpoint().toString());
                    m.put("model", o.name());
                    m.put("seller", o.offerer().toString());
                    m.put("priceBaseUnits", o.price().toString());
                }
            }
        }
        Map<String, BigDecimal> paid = new HashMap<>();
        for (String body : node.events()
                .moneyEventsSince("InferenceBought", node.clock().instant().minus(Duration.ofDays(7)))) {
            JsonNode e = read(body);
            ObjectNode m = miner(miners, e.path("route").asText());
            m.put("answers", m.path("answers").asLong() + 1);
            m.put("tokens", m.path("tokens").asLong() + e.path("tokens").asLong());
            m.put("asset", e.path("price").path("asset").asText());
            paid.merge(
                    m.path("endpoint").asText(),
                    new BigDecimal(e.path("price").path("amount").asText("0")),
                    BigDecimal::add);
            if (!m.has("model")) {
                m.put("model", e.path("model").asText());
            }
        }
        paid.forEach((endpoint, sum) ->
                miners.get(endpoint).put("paid", sum.stripTrailingZeros().toPlainString()));
        out.putArray("miners").addAll(miners.values());
        return out;
    }

    private static ObjectNode miner(Map<String, ObjectNode> miners, String endpoint) {
        return miners.computeIfAbsent(endpoint, e -> {
            ObjectNode m = JSON.createObjectNode();
            m.put("endpoint", e);
            m.put("answers", 0);
            m.put("tokens", 0);
            return m;
        });
    }

    private void decide(HttpExchange exchange, String idText, String decision) throws IOException {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            send(exchange, 400, error("a payment id is a number, not '" + idText + "'"));
            return;
        }
        Optional<Payment> waiting = node.database().awaitingApproval().stream()
                .filter(p -> p.id() == id)
                .findFirst();
        if (waiting.isEmpty()) {
            send(exchange, 404, error("payment #" + id + " is not waiting for approval"));
            return;
        }
        Optional<LoadedAgent> agent = agentOf(waiting.get()).flatMap(this::loaded);
        if (agent.isEmpty()) {
            send(
                    exchange,
                    409,
                    error("payment #" + id + " is not from an agent of this node; use"
                            + " 'cyberia treasury approvals' with its key"));
            return;
        }
        Payment decided = switch (decision) {
            case "approve" ->
                agent.get().treasury().approve(id, agent.get().signer().get(), "dashboard");
            case "deny" -> agent.get().treasury().deny(id, "dashboard");
            default -> null;
        };
        if (decided == null) {
            send(exchange, 404, error("approve or deny, not '" + decision + "'"));
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", decided.id());
        out.put("state", decided.state().name());
        send(exchange, 200, out);
    }

    /** Stops a running agent, as {@code agent stop} does: its node drops it within a check-in. */
    private void stop(HttpExchange exchange, String name) throws IOException {
        Optional<AgentRecord> agent = node.store().find(name);
        if (agent.isEmpty()) {
            send(exchange, 404, error("no agent named '" + name + "'"));
            return;
        }
        if (agent.get().state() != dev.cyberia.agentcore.AgentState.RUNNING) {
            send(exchange, 409, error("'" + name + "' is " + agent.get().state() + ", not running"));
            return;
        }
        node.store().changeState(node.events(), name, dev.cyberia.agentcore.AgentState.STOPPED, "dashboard");
        ObjectNode out = JSON.createObjectNode();
        out.put("name", name);
        out.put("state", "STOPPED");
        send(exchange, 200, out);
    }

    private Optional<AgentRecord> agentOf(Payment p) {
        return node.store().all().stream()
                .filter(a -> a.address().equals(p.payer()))
                .findFirst();
    }

    /** The agent as its node runs it (treasury, key), when it can be put together here. */
    private Optional<LoadedAgent> loaded(AgentRecord a) {
        try {
            return Optional.of(node.runtime().load(a));
        } catch (RuntimeException e) {
            LOG.debug("cannot load {} for the dashboard: {}", a.name(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<JsonNode> last(String agent, String type) {
        List<String> found = node.events().lastOfType(agent, type, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(read(found.get(0)));
    }

    private static String describe(JsonNode e) {
        String type = e.path("type").asText();
        return switch (type) {
            case "ToolCalled" -> "called " + e.path("tool").asText();
            case "ToolResult" ->
                e.path("tool").asText() + ": " + e.path("outcome").asText();
            case "PaymentSent" ->
                "paid " + e.path("amount").path("amount").asText() + " "
                        + e.path("amount").path("asset").asText();
            case "PaymentReceived" ->
                "received " + e.path("amount").path("amount").asText() + " "
                        + e.path("amount").path("asset").asText();
            case "TickFinished" -> "tick: " + e.path("outcome").asText();
            default -> type;
        };
    }

    static String units(BigInteger base, Asset asset) {
        return new BigDecimal(base)
                .movePointLeft(asset.decimals())
                .stripTrailingZeros()
                .toPlainString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("an event that is not JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
