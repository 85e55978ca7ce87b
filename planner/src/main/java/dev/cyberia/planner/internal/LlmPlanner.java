package dev.cyberia.planner.internal;

import dev.cyberia.agentcore.AgentDefinition;
import dev.cyberia.agentcore.AgentEvent;
import dev.cyberia.agentcore.GateDecision;
import dev.cyberia.agentcore.Planner;
import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.agentcore.TickContext;
import dev.cyberia.agentcore.ToolCall;
import dev.cyberia.agentcore.ToolDescriptor;
import dev.cyberia.agentcore.ToolOutcome;
import dev.cyberia.planner.PlannerModel;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The plan–act loop, written out rather than left to {@code AiServices}: the agent's purpose, state
 * and tools go in; each tool call the model asks for runs through the tick (validation, gate,
 * record); its result goes back; the loop stops on a final answer, the step cap, the budget, or a
 * repeated identical call.
 */
public final class LlmPlanner implements Planner {
    private final PlannerModel model;
    private final Planner routine;

    public LlmPlanner(PlannerModel model, Planner routine) {
        this.model = model;
        this.routine = routine;
    }

    @Override
    public String plan(TickContext tick) {
        SurvivalMode mode = tick.mode();
        Amount cap = model.maxPrice(mode);
        if (mode == SurvivalMode.CRITICAL && !cap.isZero()) {
            return "critical runway, no paid planning: " + routine.plan(tick);
        }
        int maxSteps = tick.definition()
                .inference()
                .map(AgentDefinition.Inference::maxSteps)
                .orElse(6);
        List<String> shown = tick.definition()
                .inference()
                .map(AgentDefinition.Inference::tools)
                .orElse(List.of());
        List<ToolSpecification> specs = tick.tools().stream()
                .filter(t -> shown.isEmpty() || shown.contains(t.name()))
                .map(LlmPlanner::specification)
                .toList();
        List<ChatMessage> messages = new ArrayList<>();
        if (tick.definition()
                        .inference()
                        .map(AgentDefinition.Inference::prompt)
                        .orElse(AgentDefinition.PromptStyle.FULL)
                == AgentDefinition.PromptStyle.FULL) {
            messages.add(SystemMessage.from(systemPrompt(tick)));
        }
        messages.add(UserMessage.from(task(tick)));
        Set<String> seen = new HashSet<>();
        for (int step = 1; step <= maxSteps; step++) {
            if (!cap.isZero()) {
                GateDecision allowed = tick.authorizeSpend("planner", Optional.empty(), cap);
                if (!(allowed instanceof GateDecision.Allow)) {
                    return "stopped before model call " + step + ": " + allowed.reason();
                }
            }
            PlannerModel.PricedAnswer answer = model.chat(
                    ChatRequest.builder()
                            .messages(messages)
                            .toolSpecifications(specs)
                            .build(),
                    mode,
                    tick.tickId() + "/plan/" + step);
            ChatResponse response = answer.response();
            AiMessage ai = response.aiMessage();
            TokenUsage usage = response.tokenUsage();
            tick.record(new AgentEvent.Planned(
                    "llm",
                    answer.route(),
                    usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                    usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                    answer.price(),
                    describe(ai)));
            if (!answer.price().isZero()) {
                AgentEvent.InferenceBought bought = new AgentEvent.InferenceBought(
                        answer.route(),
                        response.modelName() == null ? "" : response.modelName(),
                        answer.price(),
                        answer.transactionHash(),
                        usage == null || usage.totalTokenCount() == null ? 0 : usage.totalTokenCount());
                tick.record(bought);
                tick.charge(answer.price());
            }
            messages.add(ai);
            if (!ai.hasToolExecutionRequests()) {
                return "final answer: " + oneLine(ai.text());
            }
            for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                String signature = request.name() + " " + request.arguments();
                if (!seen.add(signature)) {
                    return "stopped: the model repeated the call " + oneLine(signature);
                }
                ToolOutcome outcome = tick.call(new ToolCall(request.id(), request.name(), request.arguments()));
                messages.add(ToolExecutionResultMessage.from(request, outcome.text()));
            }
        }
        return "step cap " + maxSteps + " reached";
    }

    static ToolSpecification specification(ToolDescriptor tool) {
        JsonObjectSchema.Builder params = JsonObjectSchema.builder();
        List<String> required = new ArrayList<>();
        for (ToolDescriptor.ToolParameter p : tool.parameters()) {
            switch (p.type()) {
                case STRING -> params.addStringProperty(p.name(), p.description());
                case INTEGER -> params.addIntegerProperty(p.name(), p.description());
                case NUMBER -> params.addNumberProperty(p.name(), p.description());
                case BOOLEAN -> params.addBooleanProperty(p.name(), p.description());
            }
            if (p.required()) {
                required.add(p.name());
            }
        }
        params.required(required);
        return ToolSpecification.builder()
                .name(tool.name())
                .description(tool.description())
                .parameters(params.build())
                .build();
    }

    private static String systemPrompt(TickContext tick) {
        AgentDefinition d = tick.definition();
        StringBuilder s = new StringBuilder();
        s.append("You are ")
                .append(tick.agentName())
                .append(", an autonomous agent. Purpose: ")
                .append(d.purpose());
        if (!d.goals().isEmpty()) {
            s.append("\nGoals: ")
                    .append(String.join(
                            "; ",
                            d.goals().stream().map(AgentDefinition.Goal::text).toList()));
        }
        s.append("\nTier ").append(tick.tier()).append(", mode ").append(tick.mode());
        s.append(". Balance ").append(tick.observation().balance());
        s.append(", income since last tick ").append(tick.observation().incomeSinceLastTick());
        s.append(", budget left this tick ").append(tick.budgetLeft()).append('.');
        s.append("\nAct only through the tools; when done, answer in one short sentence.");
        return s.toString();
    }

    /** The task: follow-ups that came due, else the agent's agenda, else its goal, else its purpose. */
    private static String task(TickContext tick) {
        List<String> pending = tick.observation().pendingWork();
        if (!pending.isEmpty()) {
            return String.join("\n", pending);
        }
        Optional<String> agenda = tick.agenda();
        if (agenda.isPresent()) {
            return agenda.get();
        }
        return tick.goal()
                .map(AgentDefinition.Goal::text)
                .orElse(tick.definition().purpose());
    }

    private static String describe(AiMessage ai) {
        if (ai.hasToolExecutionRequests()) {
            return "call "
                    + ai.toolExecutionRequests().stream()
                            .map(r -> r.name() + " " + r.arguments())
                            .toList();
        }
        return "answer " + oneLine(ai.text());
    }

    private static String oneLine(String text) {
        String t = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
