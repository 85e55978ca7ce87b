package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.testkit.Cyberia;
import dev.cyberia.testkit.CyberiaTest;
import dev.cyberia.testkit.TestAgent;
import dev.cyberia.treasury.Amount;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The agent of src/main/resources/agent.yaml sells word_count; another agent hires it over x402. */
@CyberiaTest
class WordCountTest {
    @Test
    void anotherAgentHiresWordCount_andTheSellerEarnsItsPrice(Cyberia cyberia) {
        TestAgent seller = cyberia.agent("seller")
                .definitionFile(Path.of("src/main/resources/agent.yaml"))
                .funded("1")
                .start();
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
                .anyMatch(e -> e.path("tool").asText().equals("hire") && e.path("result").asText().contains("3"));
        assertThat(seller.books().income()).isEqualTo(Amount.parse("0.01", cyberia.token()));
        assertThat(seller.books().sales()).isEqualTo(1);
        assertThat(buyer.books().services()).isEqualTo(Amount.parse("0.01", cyberia.token()));
    }
}
