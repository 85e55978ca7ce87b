package dev.cyberia.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cyberia.agentcore.AgentRuntime;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.OutcomeUnknownException;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plan–act loop with a scripted model, over the real skills, treasury and a real anvil. */
class LlmPlannerIT {
    static Testbed bed;

    static final String DEFINITION = """
            purpose: Pay friends for their services.
            goals: [Pay my friend]
            inference: {model: unused, maxSteps: 4}
            budgets: {perTick: "1", perDay: "5"}
            policy:
              payees: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]
            """;

    @BeforeAll
    static void start() throws IOException {
        bed = new Testbed();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    static String payArgs(String to, String amount) {
        return "{\"to\":\"" + to + "\",\"amount\":\"" + amount + "\",\"purpose\":\"services\"}";
    }

    Amount balanceOf(dev.cyberia.keystore.Address who) {
        return bed.chain.balanceOf(bed.cyb, who);
    }

    @Test
    void toolCall_thenFinalAnswer_feedsTheResultBack_andPays() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0")
                .call("pay", payArgs(Testbed.FRIEND.toString(), "0.25"))
                .answer("Paid my friend.");
        Amount before = balanceOf(Testbed.FRIEND);
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            AgentRuntime.TickReport report = agent.tick();
            assertThat(report.outcome()).isEqualTo("final answer: Paid my friend.");
            assertThat(report.spent()).isEqualTo(Amount.parse("0.25", bed.cyb));
            assertThat(balanceOf(Testbed.FRIEND)).isEqualTo(before.plus(Amount.parse("0.25", bed.cyb)));
            ToolExecutionResultMessage fedBack = (ToolExecutionResultMessage)
                    model.requests.get(1).messages().get(3);
            assertThat(fedBack.text()).startsWith("paid 0.25 CYB to " + Testbed.FRIEND);
            assertThat(model.requests.get(0).toolSpecifications())
                    .extracting(t -> t.name())
                    .contains("pay", "recall");
            assertThat(agent.eventTypes)
                    .containsSubsequence(
                            "TickStarted",
                            "Planned",
                            "ToolCalled",
                            "PaymentSent",
                            "ToolResult",
                            "Planned",
                            "TickFinished");
            assertThat(agent.events.verify("a")).isEmpty();
        }
    }

    @Test
    void malformedJsonArguments_goBackAsAnError_andNothingRuns() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0")
                .call("pay", "{\"to\": \"0x7099, amount: ")
                .answer("I could not pay.");
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            assertThat(agent.tick().outcome()).isEqualTo("final answer: I could not pay.");
            ToolExecutionResultMessage fedBack = (ToolExecutionResultMessage)
                    model.requests.get(1).messages().get(3);
            assertThat(fedBack.text()).startsWith("invalid call, not executed: arguments of 'pay' are not valid JSON");
            assertThat(agent.eventTypes).doesNotContain("PaymentSent");
            assertThat(agent.treasury.ledger()).isEmpty();
        }
    }

    @Test
    void unknownTool_andWrongArgumentTypes_areRefusedBeforeRunning() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0")
                .call("launch_rocket", "{}")
                .call("schedule_follow_up", "{\"seconds\":\"soon\",\"reason\":\"x\"}")
                .answer("done");
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            agent.tick();
            String unknown = ((ToolExecutionResultMessage)
                            model.requests.get(1).messages().get(3))
                    .text();
            String wrongType = ((ToolExecutionResultMessage)
                            model.requests.get(2).messages().get(5))
                    .text();
            assertThat(unknown).startsWith("invalid call, not executed: unknown tool 'launch_rocket'; the tools are [");
            assertThat(wrongType)
                    .isEqualTo("invalid call, not executed: 'schedule_follow_up' argument 'seconds' must be"
                            + " integer, not string \"soon\"");
        }
    }

    @Test
    void payingAnAddressOffTheAllowlist_isDeniedByTheGate_withAnEvent() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0")
                .call("pay", payArgs(Testbed.STRANGER.toString(), "0.1"))
                .answer("refused, fine");
        Amount before = balanceOf(Testbed.STRANGER);
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            agent.tick();
            String fedBack = ((ToolExecutionResultMessage)
                            model.requests.get(1).messages().get(3))
                    .text();
            assertThat(fedBack).isEqualTo("refused: " + Testbed.STRANGER + " is not on the agent's payee allowlist");
            assertThat(agent.eventTypes).contains("PolicyDenied").doesNotContain("PaymentSent");
            assertThat(agent.eventJson)
                    .anyMatch(j -> j.contains("\"type\":\"PolicyDenied\"") && j.contains("allowlist"));
            assertThat(balanceOf(Testbed.STRANGER)).isEqualTo(before);
        }
    }

    @Test
    void repeatedIdenticalCall_stopsTheLoop() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0")
                .call("recall", "{\"topic\":\"x\"}")
                .call("recall", "{\"topic\":\"x\"}");
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            assertThat(agent.tick().outcome())
                    .isEqualTo("stopped: the model repeated the call recall {\"topic\":\"x\"}");
            assertThat(model.requests).hasSize(2);
        }
    }

    @Test
    void stepCap_endsTheTick() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "0");
        for (int i = 0; i < 5; i++) {
            model.call("recall", "{\"topic\":\"t" + i + "\"}");
        }
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            assertThat(agent.tick().outcome()).isEqualTo("step cap 4 reached");
            assertThat(model.requests).hasSize(4);
        }
    }

    @Test
    void modelPricedAboveTheTickBudget_isNeverCalled() throws IOException {
        ScriptedChatModel model = new ScriptedChatModel(bed.cyb, "2").answer("never");
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(model))) {
            assertThat(agent.tick().outcome()).startsWith("stopped before model call 1: over the tick budget");
            assertThat(model.requests).isEmpty();
            assertThat(agent.eventTypes).contains("PolicyDenied");
        }
    }

    @Test
    void tickLeftOpenByACrash_isReRun_andThePaymentIsNotRepeated() throws IOException {
        ScriptedChatModel crashing = new ScriptedChatModel(bed.cyb, "0")
                .call("pay", payArgs(Testbed.FRIEND.toString(), "0.5"))
                .fail(new OutcomeUnknownException("node lost mid-tick", null));
        Amount before = balanceOf(Testbed.FRIEND);
        try (Testbed.Agent agent = bed.new Agent(DEFINITION, Planners.llm(crashing))) {
            assertThatThrownBy(agent::tick).isInstanceOf(OutcomeUnknownException.class);
            assertThat(agent.store.get("a").openTick()).contains("a#1");
            ScriptedChatModel again = new ScriptedChatModel(bed.cyb, "0")
                    .call("pay", payArgs(Testbed.FRIEND.toString(), "0.5"))
                    .answer("paid once");
            AgentRuntime rerun = new AgentRuntime(
                    agent.store,
                    agent.events,
                    (r, d) -> new dev.cyberia.agentcore.LoadedAgent(
                            d,
                            agent.treasury,
                            () -> bed.signer,
                            Planners.llm(again),
                            dev.cyberia.tools.Skills.load(
                                    java.util.List.of(), getClass().getClassLoader())),
                    (a, after, why) -> {},
                    java.time.Clock.systemUTC());
            AgentRuntime.TickReport report = rerun.tick("a", java.util.List.of());
            assertThat(report.tickId()).isEqualTo("a#1");
            assertThat(report.outcome()).isEqualTo("final answer: paid once");
            assertThat(agent.eventJson).anyMatch(j -> j.contains("\"outcome\":\"REPLAYED\""));
            assertThat(balanceOf(Testbed.FRIEND)).isEqualTo(before.plus(Amount.parse("0.5", bed.cyb)));
            assertThat(agent.store.get("a").openTick()).isEmpty();
        }
    }
}
