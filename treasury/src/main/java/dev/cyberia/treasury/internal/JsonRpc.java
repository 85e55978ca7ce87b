package dev.cyberia.treasury.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.treasury.RpcErrorException;
import dev.cyberia.treasury.RpcUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC 2.0 client over HTTP. Connection failures are retried with exponential backoff
 * (through the injected {@link Sleeper}), then reported as {@link RpcUnavailableException};
 * node errors come back as {@link RpcErrorException} at once.
 */
public final class JsonRpc {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Waits between retries; injected so tests do not sleep. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis());
    }

    private final URI endpoint;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final int attempts;
    private final Duration firstBackoff;
    private final AtomicLong ids = new AtomicLong();

    public JsonRpc(URI endpoint, Sleeper sleeper, int attempts, Duration firstBackoff) {
        this.endpoint = endpoint;
        this.sleeper = sleeper;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public JsonNode call(String method, Object... params) {
        ObjectNode request = JSON.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object p : params) {
            array.add(JSON.valueToTree(p));
        }
        String body = request.toString();
        Duration backoff = firstBackoff;
        IOException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(endpoint)
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 500) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                JsonNode reply = JSON.readTree(response.body());
                JsonNode error = reply.get("error");
                if (error != null && !error.isNull()) {
                    throw new RpcErrorException(
                            method,
                            error.path("code").asInt(),
                            error.path("message").asText());
                }
                return reply.get("result");
            } catch (IOException e) {
                last = e;
                if (attempt < attempts) {
                    try {
                        sleeper.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    backoff = backoff.multipliedBy(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RpcUnavailableException("interrupted while calling " + method + " on " + endpoint, e);
            }
        }
        throw new RpcUnavailableException(
                "the chain RPC at " + endpoint + " is unreachable after " + attempts + " attempts (" + describe(last)
                        + "); is the node running? try 'cyberia devnet up'",
                last);
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "interrupted";
        }
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
