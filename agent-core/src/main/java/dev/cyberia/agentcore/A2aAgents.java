package dev.cyberia.agentcore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.cyberia.treasury.X402;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A selling agent as an A2A agent (protocol 0.3, JSON-RPC), paid in the a2a-x402 flow: its card
 * at {@code /agents/NAME/.well-known/agent-card.json} lists its sold skills and the x402
 * extension; {@code message/send} to {@code /agents/NAME/a2a} with a data part {@code {"skill":
 * NAME, "arguments": {...}}} opens a task that waits for payment ({@code input-required}, the
 * requirements in {@code x402.payment.required}); the same task sent again with {@code
 * x402.payment.payload} is charged, run and booked by the shop's one sale path ({@link
 * SkillShop#sale}), and completes with the skill's result and the settlement receipt. The bodies
 * are x402 v2's, as the rest of Cyberia speaks it.
 */
final class A2aAgents {
    /** The a2a-x402 extension's URI (spec v0.2); the v0.1 URI is accepted too. */
    static final String X402_EXTENSION = X402.A2A_EXTENSION;

    static final String X402_EXTENSION_V01 = "https://github.com/google-a2a/a2a-x402/v0.1";
    static final String EXTENSIONS_HEADER = X402.A2A_EXTENSIONS_HEADER;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    /** A task waiting for its payment: what it is for. */
    private record Pending(String agent, String skill, byte[] arguments, String contextId) {}

    private final SkillShop shop;
    /** Tasks waiting for payment, the latest 10,000. */
    private final Map<String, Pending> pending = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
            return size() > 10_000;
        }
    });

    A2aAgents(SkillShop shop) {
        this.shop = shop;
    }

    /** The agent's A2A card, from the shop's catalogue of its sold skills. */
    ObjectNode card(AgentRecord record, LoadedAgent agent, ObjectNode catalogue) {
        ObjectNode card = JSON.createObjectNode();
        card.put("protocolVersion", "0.3.0");
        card.put("name", record.name());
        card.put("description", agent.definition().purpose());
        card.put("url", shop.baseUri() + "/agents/" + record.name() + "/a2a");
        card.put("preferredTransport", "JSONRPC");
        card.put("version", "1.0.0");
        ObjectNode capabilities = card.putObject("capabilities");
        capabilities.put("streaming", false);
        capabilities.put("pushNotifications", false);
        capabilities
                .putArray("extensions")
                .addObject()
                .put("uri", X402_EXTENSION)
                .put("description", "Every skill is paid with x402 (v2 bodies), exact on EIP-3009.")
                .put("required", true);
        card.putArray("defaultInputModes").add("application/json");
        card.putArray("defaultOutputModes").add("application/json").add("text/plain");
        ArrayNode skills = card.putArray("skills");
        for (JsonNode s : catalogue.path("skills")) {
            ObjectNode skill = skills.addObject();
            skill.put("id", s.path("name").asText());
            skill.put("name", s.path("name").asText());
            skill.put(
                    "description",
                    s.path("description").asText() + " Price: "
                            + s.path("price").asText() + " "
                            + s.path("symbol").asText() + " per call. Send a data part {\"skill\": \""
                            + s.path("name").asText() + "\", \"arguments\": " + s.path("arguments") + "}.");
            skill.putArray("tags").add("x402").add(record.name());
            skill.putArray("inputModes").add("application/json");
            skill.putArray("outputModes").add("application/json").add("text/plain");
        }
        return card;
    }

    /** One JSON-RPC call; errors are JSON-RPC errors with HTTP 200, as A2A clients expect. */
    void handle(HttpExchange exchange, AgentRecord record, LoadedAgent agent) throws IOException {
        String activated = activated(exchange.getRequestHeaders().getFirst(EXTENSIONS_HEADER));
        if (activated != null) {
            exchange.getResponseHeaders().set(EXTENSIONS_HEADER, activated);
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, error(null, -32600, "A2A calls are JSON-RPC over POST"));
            return;
        }
        byte[] raw = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        JsonNode request;
        try {
            request = raw.length > MAX_BODY ? null : JSON.readTree(raw);
        } catch (IOException e) {
            reply(exchange, error(null, -32700, "the request is not JSON"));
            return;
        }
        if (request == null || !request.isObject()) {
            reply(exchange, error(null, -32600, "a JSON-RPC request is a JSON object under " + MAX_BODY + " bytes"));
            return;
        }
        JsonNode id = request.get("id");
        if (!"message/send".equals(request.path("method").asText())) {
            reply(exchange, error(id, -32601, "this agent answers message/send"));
            return;
        }
        if (activated == null) {
            reply(
                    exchange,
                    error(
                            id,
                            -32600,
                            "activate the x402 extension: send the header " + EXTENSIONS_HEADER + ": " + X402_EXTENSION
                                    + " (every skill here is paid)"));
            return;
        }
        JsonNode message = request.path("params").path("message");
        if (!message.isObject() || !message.path("parts").isArray()) {
            reply(exchange, error(id, -32602, "params.message with parts is required"));
            return;
        }
        reply(
                exchange,
                result(id, message.hasNonNull("taskId") ? pay(record, agent, message) : open(record, agent, message)));
    }

    /** A first message: the task, waiting for payment (or refused). */
    private JsonNode open(AgentRecord record, LoadedAgent agent, JsonNode message) {
        String contextId = message.path("contextId").asText(UUID.randomUUID().toString());
        String taskId = UUID.randomUUID().toString();
        Optional<JsonNode> call = call(message);
        if (call.isEmpty() || !call.get().path("skill").isTextual()) {
            return task(
                    taskId,
                    contextId,
                    "rejected",
                    "send a data part {\"skill\": NAME, \"arguments\": {...}};" + " the card lists the skills",
                    Map.of(),
                    null);
        }
        String skill = call.get().get("skill").asText();
        byte[] arguments;
        try {
            arguments = JSON.writeValueAsBytes(
                    call.get().path("arguments").isObject() ? call.get().get("arguments") : JSON.createObjectNode());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SkillShop.Reply reply = shop.sale(record, agent, skill, arguments, null);
        if (reply.status() == 402) {
            pending.put(taskId, new Pending(record.name(), skill, arguments, contextId));
            Map<String, JsonNode> metadata = new LinkedHashMap<>();
            metadata.put("x402.payment.status", JSON.getNodeFactory().textNode("payment-required"));
            metadata.put("x402.payment.required", decoded(reply.headers().get(X402.PAYMENT_REQUIRED)));
            return task(taskId, contextId, "input-required", "payment required for " + skill, metadata, null);
        }
        return finished(taskId, contextId, reply, skill);
    }

    /** The task's payment: charged, run and booked, or refused. */
    private JsonNode pay(AgentRecord record, LoadedAgent agent, JsonNode message) {
        String taskId = message.get("taskId").asText();
        Pending task = pending.get(taskId);
        if (task == null || !task.agent().equals(record.name())) {
            return null; // answered as TaskNotFoundError
        }
        JsonNode metadata = message.path("metadata");
        String status = metadata.path("x402.payment.status").asText();
        if (status.equals("payment-rejected")) {
            pending.remove(taskId);
            return task(
                    taskId,
                    task.contextId(),
                    "canceled",
                    "the buyer declined to pay",
                    Map.of("x402.payment.status", JSON.getNodeFactory().textNode("payment-rejected")),
                    null);
        }
        if (!status.equals("payment-submitted")
                || !metadata.path("x402.payment.payload").isObject()) {
            return task(
                    taskId,
                    task.contextId(),
                    "input-required",
                    "send x402.payment.status payment-submitted with x402.payment.payload",
                    Map.of("x402.payment.status", JSON.getNodeFactory().textNode("payment-required")),
                    null);
        }
        String header = Base64.getEncoder()
                .encodeToString(metadata.get("x402.payment.payload").toString().getBytes(StandardCharsets.UTF_8));
        SkillShop.Reply reply = shop.sale(record, agent, task.skill(), task.arguments(), header);
        if (reply.status() == 200) {
            pending.remove(taskId);
        }
        return finished(taskId, task.contextId(), reply, task.skill());
    }

    /** A task answered by the sale: completed with the result and receipt, or failed with why. */
    private JsonNode finished(String taskId, String contextId, SkillShop.Reply reply, String skill) {
        JsonNode answer;
        try {
            answer = JSON.readTree(reply.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        Map<String, JsonNode> metadata = new LinkedHashMap<>();
        String settled = reply.headers().get(X402.PAYMENT_RESPONSE);
        if (settled != null) {
            metadata.put("x402.payment.receipts", JSON.createArrayNode().add(decoded(settled)));
        }
        if (reply.status() == 200) {
            metadata.put("x402.payment.status", JSON.getNodeFactory().textNode("payment-completed"));
            return task(
                    taskId,
                    contextId,
                    "completed",
                    skill + " " + answer.path("outcome").asText(),
                    metadata,
                    answer);
        }
        String why = answer.path("error").path("message").asText("refused");
        if (settled != null || reply.status() == 402) {
            metadata.put("x402.payment.status", JSON.getNodeFactory().textNode("payment-failed"));
            metadata.put(
                    "x402.payment.error",
                    JSON.getNodeFactory()
                            .textNode(answer.path("error").path("type").asText()));
        }
        return task(taskId, contextId, "failed", why, metadata, null);
    }

    /** The data part {@code {"skill", "arguments"}}, or a text part holding that JSON. */
    private static Optional<JsonNode> call(JsonNode message) {
        for (JsonNode part : message.get("parts")) {
            if ("data".equals(part.path("kind").asText()) && part.path("data").isObject()) {
                return Optional.of(part.get("data"));
            }
            if ("text".equals(part.path("kind").asText())) {
                try {
                    JsonNode parsed = JSON.readTree(part.path("text").asText());
                    if (parsed != null && parsed.isObject()) {
                        return Optional.of(parsed);
                    }
                } catch (IOException notJson) {
                    // a plain sentence: not a call
                }
            }
        }
        return Optional.empty();
    }

    private static ObjectNode task(
            String taskId,
            String contextId,
            String state,
            String text,
            Map<String, JsonNode> metadata,
            JsonNode result) {
        ObjectNode task = JSON.createObjectNode();
        task.put("kind", "task");
        task.put("id", taskId);
        task.put("contextId", contextId);
        ObjectNode status = task.putObject("status");
        status.put("state", state);
        status.put("timestamp", Instant.now().toString());
        ObjectNode message = status.putObject("message");
        message.put("kind", "message");
        message.put("role", "agent");
        message.put("messageId", UUID.randomUUID().toString());
        message.put("taskId", taskId);
        message.put("contextId", contextId);
        message.putArray("parts").addObject().put("kind", "text").put("text", text);
        ObjectNode meta = message.putObject("metadata");
        metadata.forEach(meta::set);
        if (result != null) {
            ObjectNode artifact = task.putArray("artifacts").addObject();
            artifact.put("artifactId", UUID.randomUUID().toString());
            artifact.put("name", "result");
            ArrayNode parts = artifact.putArray("parts");
            parts.addObject()
                    .put("kind", "text")
                    .put("text", result.path("result").asText());
            parts.addObject().put("kind", "data").set("data", result);
        }
        return task;
    }

    private static JsonNode decoded(String base64Json) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(base64Json));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.getNodeFactory().textNode(base64Json);
        }
    }

    /** The x402 extension's URI if the client activated it (either version). */
    private static String activated(String header) {
        if (header == null) {
            return null;
        }
        for (String uri : header.split(",")) {
            String u = uri.trim();
            if (u.equals(X402_EXTENSION) || u.equals(X402_EXTENSION_V01)) {
                return u;
            }
        }
        return null;
    }

    private static ObjectNode result(JsonNode id, JsonNode task) {
        if (task == null) {
            return error(id, -32001, "no such task waiting for payment here");
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", task);
        return r;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static void reply(HttpExchange exchange, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
