package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.cyberia.testkit.Cyberia;
import dev.cyberia.testkit.CyberiaTest;
import dev.cyberia.testkit.ScriptedModel;
import dev.cyberia.testkit.TestAgent;
import dev.cyberia.treasury.Amount;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Tipping moves money: the friend is paid once per tick, a stranger is refused before anything is signed. */
@CyberiaTest
class TipperTest {
    static final String FRIEND = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    static final String STRANGER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

    @Test
    void theRoutineTipsTheFriend_once(Cyberia cyberia) {
        TestAgent agent = cyberia.agent("tipper")
                .definitionFile(Path.of("src/main/resources/agent.yaml"))
                .funded("1")
                .start();

        agent.tick();

        assertThat(agent.events("PaymentSent"))
                .singleElement()
                .satisfies(e -> assertThat(e.path("to").asText()).isEqualToIgnoringCase(FRIEND));
        assertThat(agent.booked("expenses:tips"))
                .isEqualTo(Amount.parse("0.001", cyberia.token()));
    }

    @Test
    void aModelThatAsksToTipAStranger_isRefusedByTheGate(Cyberia cyberia) {
        ScriptedModel model = ScriptedModel.script()
                .call("tip", "{\"to\": \"" + STRANGER + "\", \"amount\": \"0.001\"}")
                .answer("done");
        TestAgent agent = cyberia.agent("talked-into-it")
                .definition("""
                        purpose: Tip only my friend.
                        skills: [${package}.Tipper]
                        policy: {payees: ["%s"]}
                        """.formatted(FRIEND))
                .plannedBy(model)
                .start();

        agent.tick();

        assertThat(agent.events("PolicyDenied")).isNotEmpty();
        assertThat(agent.payments()).as("nothing was signed").isEmpty();
        assertThat(agent.balance()).isEqualTo(Amount.parse("10", cyberia.token()));
    }
}
