package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.AgentState;
import dev.cyberia.agentcore.SkillShop;
import dev.cyberia.keystore.Signer;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.LedgerEntry;
import dev.cyberia.treasury.Treasury;
import dev.cyberia.treasury.X402;
import dev.cyberia.treasury.X402Buyer;
import io.a2a.client.Client;
import io.a2a.client.TaskEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.http.A2ACardResolver;
import io.a2a.client.http.JdkA2AHttpClient;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfig;
import io.a2a.client.transport.spi.interceptors.ClientCallContext;
import io.a2a.spec.A2AClientException;
import io.a2a.spec.AgentCard;
import io.a2a.spec.DataPart;
import io.a2a.spec.Message;
import io.a2a.spec.Task;
import io.a2a.spec.TaskState;
import io.a2a.spec.TextPart;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Cyberia agent as an A2A agent, called and paid by an independent client: the official A2A
 * Java SDK (0.3) reads the agent's card, sends a skill call, gets a task waiting for payment with
 * the x402 requirements, pays in the a2a-x402 flow, and gets the skill's result with the
 * settlement receipt; the sale is booked once, on a real anvil.
 */
class A2aIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String X402_EXTENSION = "https://github.com/google-agentic-commerce/a2a-x402/blob/main/spec/v0.2";
    static final String SELLER = """
            purpose: Sell shouting.
            skills: [dev.cyberia.planner.ShoutSkill]
            sells: [{skill: shout, price: "0.05"}]
            """;
    static Testbed bed;
    static Signer buyer;
    static X402Buyer wallet;

    @BeforeAll
    static void start() throws java.io.IOException {
        bed = new Testbed();
        buyer = bed.devKey("a2a-buyer", 8);
        bed.devnet.fund(buyer.address(), BigInteger.ZERO, BigInteger.valueOf(10_000_000));
        wallet = new X402Buyer(
                bed.chain.chainId(), bed.cyb.token().orElseThrow(), Clock.systemUTC(), new SecureRandom());
    }

    @AfterAll
    static void stop() {
        buyer.close();
        bed.close();
    }

    @Test
    void anIndependentA2aClient_readsTheCard_paysInTheX402Flow_andGetsTheResult() throws Exception {
        try (Testbed.Agent agent = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, agent.store, agent.runtime, n -> true, Clock.systemUTC())) {
            agent.store.setState("a", AgentState.RUNNING);
            AgentCard card = new A2ACardResolver(
                            new JdkA2AHttpClient(), shop.baseUri() + "/agents/a/", ".well-known/agent-card.json")
                    .getAgentCard();
            assertThat(card.name()).isEqualTo("a");
            assertThat(card.url()).isEqualTo(shop.baseUri() + "/agents/a/a2a");
            assertThat(card.capabilities().extensions().get(0).uri()).isEqualTo(X402_EXTENSION);
            assertThat(card.skills()).extracting(s -> s.id()).containsExactly("shout");

            AtomicReference<Task> last = new AtomicReference<>();
            Client client = Client.builder(card)
                    .clientConfig(new ClientConfig.Builder().setStreaming(false).build())
                    .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                    .addConsumer((event, c) -> {
                        if (event instanceof TaskEvent t) {
                            last.set(t.getTask());
                        }
                    })
                    .build();
            ClientCallContext x402 = new ClientCallContext(Map.of(), Map.of("X-A2A-Extensions", X402_EXTENSION));
            Message ask = new Message.Builder()
                    .role(Message.Role.USER)
                    .parts(List.of(new DataPart(
                            Map.of("skill", "shout", "arguments", Map.of("text", "hello a2a", "times", 1)))))
                    .build();

            assertThatThrownBy(() -> client.sendMessage(ask))
                    .as("the x402 extension is required")
                    .isInstanceOf(A2AClientException.class)
                    .hasMessageContaining("x402");

            client.sendMessage(ask, x402);
            Task waiting = last.get();
            assertThat(waiting.getStatus().state()).isEqualTo(TaskState.INPUT_REQUIRED);
            Map<String, Object> asked = waiting.getStatus().message().getMetadata();
            assertThat(asked).containsEntry("x402.payment.status", "payment-required");

            // the payment: x402 v2, signed with the buyer's key, sent as a JSON object in the metadata
            X402.PaymentRequired required = X402.decodePaymentRequired(
                    Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(asked.get("x402.payment.required"))));
            String header = X402.encode(wallet.pay(required, buyer, Amount.parse("0.05", bed.cyb)));
            JsonNode payload = JSON.readTree(Base64.getDecoder().decode(header));
            Message pay = new Message.Builder()
                    .role(Message.Role.USER)
                    .parts(List.of(new TextPart("paying")))
                    .taskId(waiting.getId())
                    .contextId(waiting.getContextId())
                    .metadata(Map.of(
                            "x402.payment.status",
                            "payment-submitted",
                            "x402.payment.payload",
                            JSON.convertValue(payload, Map.class)))
                    .build();
            client.sendMessage(pay, x402);
            Task done = last.get();
            assertThat(done.getId()).isEqualTo(waiting.getId());
            assertThat(done.getStatus().state()).isEqualTo(TaskState.COMPLETED);
            Map<String, Object> settled = done.getStatus().message().getMetadata();
            assertThat(settled).containsEntry("x402.payment.status", "payment-completed");
            assertThat(JSON.valueToTree(settled.get("x402.payment.receipts"))
                            .get(0)
                            .path("success")
                            .asBoolean())
                    .isTrue();
            assertThat(((TextPart) done.getArtifacts().get(0).parts().get(0)).getText())
                    .isEqualTo("HELLO A2A");

            // booked once, as any sale
            assertThat(agent.treasury.ledger())
                    .filteredOn(e -> e.account().equals("income:services"))
                    .hasSize(1);

            // the same payment again is not a second sale: the task is done
            assertThatThrownBy(() -> client.sendMessage(pay, x402))
                    .isInstanceOf(A2AClientException.class)
                    .hasMessageContaining("no such task");
        }
    }

    @Test
    void anAgentHiresAnA2aAgent_byItsCard_andByItsErc8004Identity_payingOnlyTheIdentitysWallet() throws Exception {
        try (Testbed.Agent seller = bed.new Agent(SELLER, Planners.routine());
                SkillShop shop = SkillShop.start(0, seller.store, seller.runtime, n -> true, Clock.systemUTC());
                Signer liar = bed.devKey("a2a-liar", 9)) {
            seller.store.setState("a", AgentState.RUNNING);
            String registration = shop.baseUri() + "/agents/a/registration.json";
            long id = bed.trust
                    .register(registration, seller.treasury, bed.signer)
                    .agentId();
            // another wallet registers an identity that points at the same agent: hiring it must not pay the agent
            Treasury liarWallet = Treasury.open(
                    seller.db, bed.chain, bed.cyb, liar.address(), Clock.systemUTC(), Treasury.Options.DEFAULT);
            long lie = bed.trust.register(registration, liarWallet, liar).agentId();
            String card = shop.baseUri() + "/agents/a/.well-known/agent-card.json";
            String hirer = """
                    purpose: Get shouting done by A2A agents.
                    policy:
                      httpHosts: [127.0.0.1]
                      payees: ["%s", "%s"]
                    routine:
                      - skill: hire
                        args: {skill: "%s#shout", arguments: "{\\"text\\": \\"by card\\", \\"times\\": 1}", maxPrice: "0.1"}
                      - skill: hire
                        args: {skill: "erc8004:%d/shout", arguments: "{\\"text\\": \\"by id\\", \\"times\\": 1}", maxPrice: "0.1"}
                      - skill: hire
                        args: {skill: "erc8004:%d/shout", arguments: "{\\"text\\": \\"by lie\\", \\"times\\": 1}", maxPrice: "0.1"}
                      - skill: hire
                        args: {skill: "%s#whisper", arguments: "{}", maxPrice: "0.1"}
                    """.formatted(bed.signer.address(), liar.address(), card, id, lie, card);
            Amount sellerBefore = bed.chain.balanceOf(bed.cyb, bed.signer.address());
            Signer hirerKey = bed.devKey("a2a-hirer", 10);
            bed.devnet.fund(hirerKey.address(), BigInteger.ZERO, BigInteger.valueOf(10_000_000));
            try (Testbed.Agent buyerAgent = bed.new Agent(hirer, Planners.routine(), hirerKey)) {
                var report = buyerAgent.tick();
                assertThat(report.spent()).as("%s", buyerAgent.eventJson).isEqualTo(Amount.parse("0.10", bed.cyb));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("BY CARD"))
                        .anyMatch(j -> j.contains("\"type\":\"ToolResult\"") && j.contains("BY ID"));
                assertThat(buyerAgent.eventJson)
                        .filteredOn(j -> j.contains("\"type\":\"ServiceBought\"")
                                && j.contains(shop.baseUri() + "/agents/a/a2a#shout"))
                        .hasSize(2);
                assertThat(buyerAgent.eventJson)
                        .as("an identity whose wallet is not the agent's gets nothing")
                        .anyMatch(j -> j.contains("\"outcome\":\"REFUSED\"")
                                && j.contains("only " + liar.address() + " may be paid"));
                assertThat(buyerAgent.eventJson)
                        .anyMatch(j -> j.contains("offers no skill 'whisper' (it offers: shout)"));
                assertThat(buyerAgent.treasury.ledger())
                        .filteredOn(e -> e.account().equals("expenses:services"))
                        .extracting(LedgerEntry::units)
                        .containsExactly("0.05", "0.05");
                assertThat(seller.treasury.ledger())
                        .filteredOn(e -> e.account().equals("income:services"))
                        .hasSize(2);
                assertThat(bed.chain.balanceOf(bed.cyb, bed.signer.address()))
                        .isEqualTo(sellerBefore.plus(Amount.parse("0.10", bed.cyb)));
            } finally {
                hirerKey.close();
            }
        }
    }
}
