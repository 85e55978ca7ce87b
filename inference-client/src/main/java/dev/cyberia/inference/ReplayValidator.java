package dev.cyberia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.TrustRegistries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A validator that re-executes: it answers the ERC-8004 validation requests addressed to its
 * wallet by replaying the answer each one describes through its own copy of the model
 * ({@link LocalModel#replay}), and answers 100 when every token and log-probability is the model's,
 * 0 otherwise, with its finding as the response file. A miner whose answer was disputed appeals
 * this way: it asks a validator the buyer trusts to replay the very answer, committed to by hash.
 */
public final class ReplayValidator {
    /** The tag of its answers. */
    public static final String TAG = "replay";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_JSON = "data:application/json;base64,";

    private final TrustRegistries trust;
    private final LocalModel model;
    private final Treasury wallet;
    private final Signer key;
    private final double tolerance;

    public ReplayValidator(TrustRegistries trust, LocalModel model, Treasury wallet, Signer key, double tolerance) {
        this.trust = trust;
        this.model = model;
        this.wallet = wallet;
        this.key = key;
        this.tolerance = tolerance;
    }

    /** A request to validate: the URI of its file (on chain, as a data URI) and the file's hash. */
    public record Request(String requestURI, byte[] requestHash) {}

    /** One answer given: the request, 0 or 100, and why. */
    public record Answer(String requestHash, int response, String finding) {}

    /**
     * The request file for one answer: the request as the miner got it (OpenAI shapes), and the
     * answer it served with its fingerprint. Its hash is what the validation commits to.
     */
    public static Request requestFor(
            List<Message> messages, List<ToolDefinition> tools, GenerationOptions options, Generation served) {
        ObjectNode file = JSON.createObjectNode();
        file.set(
                "request",
                OpenAiWire.chatRequest(
                        served.fingerprint().map(Fingerprint::model).orElse(""), messages, tools, options));
        file.set("answer", OpenAiWire.completion(served, "answer"));
        String text = file.toString();
        return new Request(
                DATA_JSON + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)),
                TrustRegistries.hashOf(text));
    }

    /** Answers every request to this validator that has no answer yet; returns what it answered. */
    public List<Answer> answerPending() {
        List<Answer> out = new ArrayList<>();
        for (TrustRegistries.PendingValidation p : trust.pendingFor(wallet.wallet())) {
            Answer a = judge(p);
            String response = DATA_JSON
                    + Base64.getEncoder()
                            .encodeToString(JSON.createObjectNode()
                                    .put("response", a.response())
                                    .put("finding", a.finding())
                                    .toString()
                                    .getBytes(StandardCharsets.UTF_8));
            trust.respondToValidation(
                    p.requestHash(), a.response(), response, TrustRegistries.hashOf(a.finding()), TAG, wallet, key);
            out.add(a);
        }
        return out;
    }

    private Answer judge(TrustRegistries.PendingValidation p) {
        String hash = "0x" + HexFormat.of().formatHex(p.requestHash());
        Optional<String> file = decode(p.requestURI());
        if (file.isEmpty()) {
            return new Answer(hash, 0, "the request file is not a data URI this validator can read");
        }
        if (!java.util.Arrays.equals(TrustRegistries.hashOf(file.get()), p.requestHash())) {
            return new Answer(hash, 0, "the request file does not match its hash");
        }
        try {
            JsonNode f = JSON.readTree(file.get());
            JsonNode request = f.path("request");
            Generation served = OpenAiWire.generation(f.path("answer"));
            if (served.fingerprint().isEmpty()) {
                return new Answer(hash, 0, "the answer carries no fingerprint");
            }
            LocalModel.Replay replay = model.replay(
                    OpenAiWire.messages(request),
                    OpenAiWire.tools(request),
                    OpenAiWire.options(request),
                    served,
                    served.fingerprint().get(),
                    tolerance);
            return new Answer(hash, replay.matches() ? 100 : 0, replay.finding());
        } catch (IOException | RuntimeException e) {
            return new Answer(hash, 0, "the request cannot be replayed: " + e.getMessage());
        }
    }

    private static Optional<String> decode(String uri) {
        if (!uri.startsWith(DATA_JSON)) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new String(Base64.getDecoder().decode(uri.substring(DATA_JSON.length())), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
