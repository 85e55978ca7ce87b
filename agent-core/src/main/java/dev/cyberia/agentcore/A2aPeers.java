package dev.cyberia.agentcore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.TrustRegistries;
import dev.cyberia.treasury.X402;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds another agent's skill to call over A2A: from its agent card's URL, or from its ERC-8004
 * identity (the registry's agent URI → its registration file → the {@code A2A} service's card).
 * The card must offer the skill and take payment in the a2a-x402 extension; found through an
 * identity, only the identity's wallet (or, without one, its owner) may be paid.
 */
public final class A2aPeers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final int MAX_DOCUMENT = 256 * 1024;

    /**
     * A skill to call.
     *
     * @param endpoint the agent's JSON-RPC endpoint (its card's {@code url})
     * @param payee who alone may be paid, when the agent was found through its identity
     * @param agent the card's name
     */
    public record Peer(URI endpoint, String skill, Optional<Address> payee, String agent) {}

    private A2aPeers() {}

    /**
     * The skill {@code skill} of the agent whose card is at {@code card}.
     *
     * @param reachable the hosts this caller may reach (its policy's {@code httpHosts})
     * @throws IllegalArgumentException with what to do, when the card cannot be read, does not offer
     *     the skill, or is not paid in x402
     */
    public static Peer byCard(URI card, String skill, Predicate<String> reachable) {
        JsonNode body = fetch(card, reachable, "agent card");
        String name = body.path("name").asText("");
        if (!body.path("url").isTextual()) {
            throw new IllegalArgumentException("the agent card at " + card + " has no 'url' to send messages to");
        }
        URI endpoint;
        try {
            endpoint = card.resolve(body.get("url").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the agent card at " + card + " has a malformed url: " + e.getMessage());
        }
        if (endpoint.getHost() == null || !reachable.test(endpoint.getHost())) {
            throw new IllegalArgumentException("the agent card at " + card + " sends messages to host '"
                    + endpoint.getHost() + "', which is not in policy.httpHosts");
        }
        boolean x402 = false;
        for (JsonNode extension : body.path("capabilities").path("extensions")) {
            String uri = extension.path("uri").asText();
            x402 |= uri.equals(X402.A2A_EXTENSION) || uri.equals(A2aAgents.X402_EXTENSION_V01);
        }
        if (!x402) {
            throw new IllegalArgumentException("the agent '" + name + "' at " + card
                    + " does not take x402 payments (no a2a-x402 extension in its card); this agent pays only in x402");
        }
        StringBuilder offered = new StringBuilder();
        for (JsonNode s : body.path("skills")) {
            if (s.path("id").asText().equals(skill)) {
                return new Peer(endpoint, skill, Optional.empty(), name);
            }
            offered.append(offered.isEmpty() ? "" : ", ").append(s.path("id").asText());
        }
        throw new IllegalArgumentException("the agent '" + name + "' at " + card + " offers no skill '" + skill
                + "' (it offers: " + offered + ")");
    }

    /** The skill {@code skill} of ERC-8004 agent {@code agentId}, paying only its wallet. */
    public static Peer byIdentity(TrustRegistries trust, long agentId, String skill, Predicate<String> reachable) {
        TrustRegistries.Identity identity;
        try {
            identity = trust.identity(agentId);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("no agent #" + agentId + " in the identity registry "
                    + trust.agentRegistry() + ": " + e.getMessage());
        }
        URI registrationUri;
        try {
            registrationUri = URI.create(identity.agentURI());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("agent #" + agentId + "'s URI is malformed: " + identity.agentURI());
        }
        JsonNode registration = fetch(registrationUri, reachable, "registration file");
        for (JsonNode service : registration.path("services")) {
            if (service.path("name").asText().equalsIgnoreCase("A2A")
                    && service.path("endpoint").isTextual()) {
                URI card = registrationUri.resolve(service.get("endpoint").asText());
                Peer found = byCard(card, skill, reachable);
                return new Peer(
                        found.endpoint(),
                        skill,
                        Optional.of(identity.wallet().orElse(identity.owner())),
                        found.agent());
            }
        }
        throw new IllegalArgumentException(
                "agent #" + agentId + "'s registration file (" + registrationUri + ") lists no A2A service");
    }

    /** A JSON document at an http(s) URL on a reachable host, or in a data: URI. */
    private static JsonNode fetch(URI at, Predicate<String> reachable, String what) {
        byte[] raw;
        if ("data".equals(at.getScheme())) {
            String spec = at.getSchemeSpecificPart();
            int comma = spec.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("the " + what + " data: URI has no ','");
            }
            String data = spec.substring(comma + 1);
            raw = spec.substring(0, comma).endsWith(";base64")
                    ? Base64.getDecoder().decode(data)
                    : URLDecoder.decode(data, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        } else {
            if (!("http".equals(at.getScheme()) || "https".equals(at.getScheme())) || at.getHost() == null) {
                throw new IllegalArgumentException("the " + what + " is at '" + at + "', not an http(s) URL");
            }
            if (!reachable.test(at.getHost())) {
                throw new IllegalArgumentException(
                        "the " + what + " is on host '" + at.getHost() + "', which is not in policy.httpHosts");
            }
            try {
                HttpResponse<InputStream> response = HTTP.send(
                        HttpRequest.newBuilder(at)
                                .timeout(Duration.ofSeconds(10))
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    raw = in.readNBytes(MAX_DOCUMENT + 1);
                }
                if (response.statusCode() != 200) {
                    throw new IllegalArgumentException(
                            "the " + what + " at " + at + " answered HTTP " + response.statusCode());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "the " + what + " at " + at + " could not be read: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalArgumentException("interrupted while reading the " + what + " at " + at);
            }
        }
        if (raw.length > MAX_DOCUMENT) {
            throw new IllegalArgumentException("the " + what + " at " + at + " is over " + MAX_DOCUMENT + " bytes");
        }
        try {
            JsonNode body = JSON.readTree(raw);
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("the " + what + " at " + at + " is not a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + what + " at " + at + " is not JSON: " + e.getMessage());
        }
    }
}
