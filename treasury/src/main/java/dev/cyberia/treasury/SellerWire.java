package dev.cyberia.treasury;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.treasury.Purchase.Answer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a purchase's request and its payment travel to the seller, and its answer back, in the
 * shape x402 over HTTP gives them ({@link Answer}: a status, the {@code PAYMENT-REQUIRED} and
 * {@code PAYMENT-RESPONSE} headers, a body), so that the journal's steps are the same whatever the
 * wire:
 *
 * <ul>
 *   <li>{@link PurchaseOrder.Via.Http}: a POST of the body, the payment in {@code
 *       PAYMENT-SIGNATURE};
 *   <li>{@link PurchaseOrder.Via.A2a}: A2A 0.3 {@code message/send} calls in the a2a-x402 flow. The
 *       first opens a task, which waits for payment ({@code input-required} with {@code
 *       x402.payment.required}: read as a 402); paying sends the same signed payload as {@code
 *       x402.payment.payload} on that task. A task the seller no longer knows (it restarted) is
 *       opened again and the same payload sent on it: never a second signature.
 * </ul>
 */
final class SellerWire {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * HTTP/1.1 (a seller is asked once per purchase: an HTTP/2 upgrade attempt gains nothing), its
     * answers handled on the client's own selector thread instead of being handed to a pool and
     * back: each hand-off costs a thread wake-up per request.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Runnable::run)
            .build();

    /** A2A's TaskNotFoundError. */
    private static final int TASK_NOT_FOUND = -32001;

    /** The A2A task each purchase opened, by idempotency key, the latest 1,000. */
    private static final Map<String, String> TASKS = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1_000;
        }
    });

    private SellerWire() {}

    /** The order's request, with {@code paymentHeader} (the encoded x402 payload) when not null. */
    static Answer send(PurchaseOrder order, String paymentHeader) throws IOException {
        return switch (order.via()) {
            case PurchaseOrder.Via.Http http -> http(order, paymentHeader);
            case PurchaseOrder.Via.A2a a2a -> a2a(order, a2a.skill(), paymentHeader);
        };
    }

    private static Answer http(PurchaseOrder order, String paymentHeader) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(order.resource())
                .timeout(order.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(order.body()));
        if (paymentHeader != null) {
            request.header(X402.PAYMENT_SIGNATURE, paymentHeader);
        }
        HttpResponse<byte[]> response = exchange(request);
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    private static Answer a2a(PurchaseOrder order, String skill, String paymentHeader) throws IOException {
        if (paymentHeader == null) {
            return opened(order, skill);
        }
        String task = TASKS.get(order.idempotencyKey());
        if (task == null) { // a purchase resumed by another run: a task of its own for the same payload
            Answer asked = opened(order, skill);
            task = TASKS.get(order.idempotencyKey());
            if (task == null) {
                return asked; // the seller did not ask to be paid this time: say what it said
            }
        }
        JsonNode reply = call(order, paid(task, paymentHeader));
        if (reply.path("error").path("code").asInt() == TASK_NOT_FOUND) {
            Answer asked = opened(order, skill);
            String again = TASKS.get(order.idempotencyKey());
            if (again == null || again.equals(task)) {
                return asked;
            }
            reply = call(order, paid(again, paymentHeader));
        }
        return read(order, reply);
    }

    /** A first message: the task it opens (remembered under the order's key) read as an answer. */
    private static Answer opened(PurchaseOrder order, String skill) throws IOException {
        ObjectNode data = JSON.createObjectNode();
        data.put("skill", skill);
        JsonNode arguments;
        try {
            arguments = order.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(order.body());
        } catch (IOException e) {
            throw new InvalidTreasuryInputException("an A2A purchase's arguments are a JSON object: " + e.getMessage());
        }
        data.set("arguments", arguments);
        ObjectNode message = message();
        message.putArray("parts").addObject().put("kind", "data").set("data", data);
        JsonNode reply = call(order, message);
        JsonNode task = reply.path("result");
        if ("input-required".equals(task.path("status").path("state").asText())
                && task.path("id").isTextual()) {
            TASKS.put(order.idempotencyKey(), task.get("id").asText());
        }
        return read(order, reply);
    }

    private static ObjectNode paid(String task, String paymentHeader) {
        ObjectNode message = message();
        message.put("taskId", task);
        message.putArray("parts").addObject().put("kind", "text").put("text", "payment for the task");
        ObjectNode metadata = message.putObject("metadata");
        metadata.put("x402.payment.status", "payment-submitted");
        try {
            metadata.set(
                    "x402.payment.payload", JSON.readTree(Base64.getDecoder().decode(paymentHeader)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("a journaled payment header is not base64 JSON", e);
        }
        return message;
    }

    private static ObjectNode message() {
        ObjectNode message = JSON.createObjectNode();
        message.put("kind", "message");
        message.put("role", "user");
        message.put("messageId", UUID.randomUUID().toString());
        return message;
    }

    private static JsonNode call(PurchaseOrder order, ObjectNode message) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", UUID.randomUUID().toString());
        request.put("method", "message/send");
        request.putObject("params").set("message", message);
        HttpResponse<byte[]> response = exchange(HttpRequest.newBuilder(order.resource())
                .timeout(order.timeout())
                .header("Content-Type", "application/json")
                .header(X402.A2A_EXTENSIONS_HEADER, X402.A2A_EXTENSION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))));
        try {
            JsonNode reply = JSON.readTree(response.body());
            if (reply != null && reply.isObject()) {
                return reply;
            }
        } catch (IOException notJson) {
            // answered below
        }
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error")
                .put("code", -32603)
                .put("message", "the agent answered HTTP " + response.statusCode() + " without a JSON-RPC reply");
        return error;
    }

    /**
     * An A2A reply as x402 over HTTP would have said it: a task waiting for payment is a 402 with
     * its requirements, a completed one a 200 with its data and receipt, a failed one a 402 (a
     * payment problem) or 400, a JSON-RPC error a 400 or 404 (no such task).
     */
    private static Answer read(PurchaseOrder order, JsonNode reply) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (reply.has("error")) {
            int code = reply.path("error").path("code").asInt();
            return new Answer(
                    code == TASK_NOT_FOUND ? 404 : 400,
                    headers,
                    error(reply.path("error").path("message").asText("refused"), "a2a_error"));
        }
        JsonNode task = reply.path("result");
        JsonNode status = task.path("status");
        JsonNode metadata = status.path("message").path("metadata");
        String said = status.path("message").path("parts").path(0).path("text").asText("");
        JsonNode receipt = metadata.path("x402.payment.receipts").path(0);
        if (receipt.isObject()) {
            headers.put(X402.PAYMENT_RESPONSE, List.of(base64(receipt)));
        }
        String state = status.path("state").asText();
        switch (state) {
            case "input-required" -> {
                JsonNode required = metadata.path("x402.payment.required");
                if (!required.isObject()) {
                    return new Answer(
                            400,
                            headers,
                            error("the agent asks for input this purchase cannot give: " + said, "a2a_input"));
                }
                headers.put(X402.PAYMENT_REQUIRED, List.of(base64(required)));
                return new Answer(402, headers, error(said, "payment_required"));
            }
            case "completed" -> {
                for (JsonNode artifact : task.path("artifacts")) {
                    for (JsonNode part : artifact.path("parts")) {
                        if ("data".equals(part.path("kind").asText())) {
                            return new Answer(200, headers, bytes(part.path("data")));
                        }
                    }
                }
                return new Answer(200, headers, textResult(said));
            }
            default -> {
                boolean payment = metadata.has("x402.payment.error") || receipt.isObject();
                return new Answer(
                        payment ? 402 : 400,
                        headers,
                        error(
                                said.isBlank() ? "the task ended " + state : said,
                                metadata.path("x402.payment.error").asText(state)));
            }
        }
    }

    private static byte[] textResult(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("result", text);
        return bytes(body);
    }

    private static byte[] error(String message, String type) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type);
        return bytes(body);
    }

    private static String base64(JsonNode node) {
        return Base64.getEncoder().encodeToString(bytes(node));
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static HttpResponse<byte[]> exchange(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
