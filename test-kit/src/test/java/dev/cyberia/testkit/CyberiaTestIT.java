package dev.cyberia.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.treasury.Amount;
import org.junit.jupiter.api.Test;

/** The kit on itself: one annotation, a devnet, agents that sell and buy, and what they booked. */
@CyberiaTest
class CyberiaTestIT {
    static final String SELLER = """
            purpose: Count words for other agents.
            skills: [dev.cyberia.testkit.WordCounter]
            sells: [{skill: word_count, price: "0.01"}]
            """;

    @Test
    void anAgentHiresASoldSkill_paysOnce_andBothBooksShowIt(Cyberia cyberia) {
        TestAgent seller =
                cyberia.agent("seller").definition(SELLER).funded("1").start();
        TestAgent buyer = cyberia.agent("buyer")
                .definition("""
                        purpose: Get words counted.
                        tier: AGENT
                        policy: {httpHosts: [127.0.0.1]}
                        routine:
                          - skill: hire
                            args: {skill: "%s", arguments: "{\\"text\\": \\"one two three\\"}", maxPrice: "0.05"}
                        """.formatted(seller.skillUrl("word_count")))
                .start();

        buyer.tick();

        assertThat(buyer.events("ToolResult"))
                .anyMatch(e -> e.path("tool").asText().equals("hire")
                        && e.path("result").asText().contains("3"));
        assertThat(buyer.books().services()).isEqualTo(Amount.parse("0.01", cyberia.token()));
        assertThat(seller.books().income()).isEqualTo(Amount.parse("0.01", cyberia.token()));
        assertThat(seller.books().sales()).isEqualTo(1);
        assertThat(seller.events("PaymentReceived")).hasSize(1);
    }

    @Test
    void aScriptedModelPlans_throughTheGate_andAStrangerIsNotPaid(Cyberia cyberia) {
        ScriptedModel model = ScriptedModel.script()
                .call(
                        "pay",
                        "{\"to\": \"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\", \"amount\": \"0.01\","
                                + " \"purpose\": \"gifts\"}")
                .answer("done");
        TestAgent agent = cyberia.agent("planner")
                .definition("purpose: Pay only my friend.\n"
                        + "policy: {payees: [\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\"]}\n")
                .plannedBy(model)
                .start();

        agent.tick();

        assertThat(model.requests()).as("the planner asked the model").isNotEmpty();
        assertThat(agent.events("PolicyDenied"))
                .singleElement()
                .satisfies(e -> assertThat(e.path("reason").asText()).contains("allowlist"));
        assertThat(agent.payments()).as("nothing was paid").isEmpty();
        assertThat(agent.balance()).isEqualTo(Amount.parse("10", cyberia.token()));
    }
}
