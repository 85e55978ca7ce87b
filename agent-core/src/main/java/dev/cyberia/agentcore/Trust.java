package dev.cyberia.agentcore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.keystore.Address;
import dev.cyberia.treasury.TreasuryException;
import dev.cyberia.treasury.TrustRegistries;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in ERC-8004: it registers each selling agent it hosts (its registration file is
 * served by the skill shop), and after its agents' purchases rates the sellers from the buyer's
 * wallet: 100 ("served") at most once a day per seller, -100 ("disputed") for every dispute, each
 * with a feedback file carrying the x402 proof of payment (and the dispute's evidence), committed to
 * by its hash. Chain work runs off the tick, on the node's market thread; a failure is an event.
 */
final class Trust implements EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(Trust.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration RATE_SERVED_EVERY = Duration.ofDays(1);

    private final AgentStore store;
    private final EventLog events;
    private final AgentRuntime runtime;
    private final ExecutorService chainWork;
    private final Clock clock;
    private final Map<String, Instant> ratedAt = new ConcurrentHashMap<>();

    Trust(AgentStore store, EventLog events, AgentRuntime runtime, ExecutorService chainWork, Clock clock) {
        this.store = store;
        this.events = events;
        this.runtime = runtime;
        this.chainWork = chainWork;
        this.clock = clock;
    }

    /** The registration file's address for an agent sold at {@code shopBase}. */
    static URI registrationOf(URI shopBase, String agent) {
        return shopBase.resolve("/agents/" + agent + "/registration.json");
    }

    /** Registers the agent, or points its identity at this shop, off the caller's thread. */
    void register(String name, URI shopBase) {
        chainWork.submit(() -> {
            try {
                LoadedAgent agent = runtime.load(store.get(name));
                if (agent.trust().isEmpty()) {
                    return;
                }
                TrustRegistries trust = agent.trust().get();
                String uri = registrationOf(shopBase, name).toString();
                TrustRegistries.Identity identity;
                String outcome;
                try {
                    identity =
                            trust.register(uri, agent.treasury(), agent.signer().get());
                    outcome = "registered";
                } catch (TreasuryException | AgentException e) {
                    events.append(
                            name,
                            null,
                            new AgentEvent.IdentityRegistered(
                                    -1, trust.agentRegistry(), uri, "not registered: " + e.getMessage()));
                    return;
                }
                events.append(
                        name,
                        null,
                        new AgentEvent.IdentityRegistered(identity.agentId(), trust.agentRegistry(), uri, outcome));
            } catch (RuntimeException e) {
                LOG.warn("cannot register {}'s identity: {}", name, e.toString());
            }
        });
    }

    @Override
    public void onEvent(RecordedEvent recorded) {
        switch (recorded.event()) {
            case AgentEvent.ServiceBought bought -> {
                String key = recorded.agent() + "→" + bought.seller();
                Instant last = ratedAt.get(key);
                Instant now = clock.instant();
                if (last == null || !last.plus(RATE_SERVED_EVERY).isAfter(now)) {
                    ratedAt.put(key, now);
                    rate(recorded.agent(), bought.seller(), bought.url(), bought.transactionHash(), 100, "served", "");
                }
            }
            case AgentEvent.PurchaseDisputed disputed ->
                rate(
                        recorded.agent(),
                        disputed.seller(),
                        disputed.resource(),
                        disputed.transactionHash(),
                        -100,
                        "disputed",
                        disputed.evidence());
            default -> {}
        }
    }

    private void rate(
            String buyer, String seller, String endpoint, String transaction, int value, String tag, String evidence) {
        chainWork.submit(() -> {
            try {
                AgentRecord record = store.get(buyer);
                LoadedAgent agent = runtime.load(record);
                if (agent.trust().isEmpty()) {
                    return;
                }
                TrustRegistries trust = agent.trust().get();
                Optional<TrustRegistries.Identity> rated = trust.agentOf(Address.parse(seller));
                if (rated.isEmpty()) {
                    LOG.debug("{} has no ERC-8004 identity to rate", seller);
                    return;
                }
                long agentId = rated.get().agentId();
                String file = feedbackFile(
                        trust, agentId, record.address(), seller, endpoint, transaction, value, tag, evidence);
                byte[] hash = TrustRegistries.hashOf(file);
                String outcome;
                try {
                    trust.giveFeedback(
                            agentId,
                            new TrustRegistries.Feedback(
                                    BigInteger.valueOf(value),
                                    0,
                                    tag,
                                    "",
                                    endpoint,
                                    "data:application/json;base64,"
                                            + Base64.getEncoder().encodeToString(file.getBytes(StandardCharsets.UTF_8)),
                                    hash),
                            "erc8004:feedback:" + tag + ":" + transaction,
                            agent.treasury(),
                            agent.signer().get());
                    outcome = "rated";
                } catch (TreasuryException | AgentException e) {
                    outcome = "not rated: " + e.getMessage();
                }
                events.append(
                        buyer,
                        null,
                        new AgentEvent.FeedbackGiven(
                                seller,
                                agentId,
                                value,
                                tag,
                                "0x" + HexFormat.of().formatHex(hash),
                                outcome));
            } catch (RuntimeException e) {
                LOG.warn("cannot rate {} for {}: {}", seller, buyer, e.toString());
            }
        });
    }

    /** The feedback file: who rated whom, how, and the x402 payment that proves it was a purchase. */
    private String feedbackFile(
            TrustRegistries trust,
            long agentId,
            Address client,
            String seller,
            String endpoint,
            String transaction,
            int value,
            String tag,
            String evidence) {
        String chain = trust.agentRegistry().split(":")[1];
        ObjectNode f = JSON.createObjectNode();
        f.put("agentRegistry", trust.agentRegistry());
        f.put("agentId", agentId);
        f.put("clientAddress", "eip155:" + chain + ":" + client);
        f.put("createdAt", clock.instant().toString());
        f.put("value", value);
        f.put("valueDecimals", 0);
        f.put("tag1", tag);
        f.put("endpoint", endpoint);
        ObjectNode proof = f.putObject("proofOfPayment");
        proof.put("fromAddress", client.toString());
        proof.put("toAddress", seller);
        proof.put("chainId", chain);
        proof.put("txHash", transaction);
        if (!evidence.isEmpty()) {
            f.put("evidence", evidence);
        }
        return f.toString();
    }
}
