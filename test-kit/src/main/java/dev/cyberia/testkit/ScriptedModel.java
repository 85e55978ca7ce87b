package dev.cyberia.testkit;

import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.planner.PlannerModel;
import dev.cyberia.treasury.Amount;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A model that answers from a script, for an agent planned by the LLM planner in a test: each
 * planning call gets the next line (a tool call, or a final answer); the requests it was sent are
 * kept, so a test can see what the model was shown. It costs nothing.
 */
public final class ScriptedModel {
    private final Deque<AiMessage> script = new ArrayDeque<>();
    private final List<ChatRequest> requests = new ArrayList<>();

    private ScriptedModel() {}

    /** An empty script. */
    public static ScriptedModel script() {
        return new ScriptedModel();
    }

    /** The next answer calls {@code tool} with {@code argumentsJson}. */
    public ScriptedModel call(String tool, String argumentsJson) {
        script.add(AiMessage.from(ToolExecutionRequest.builder()
                .id("call-" + (script.size() + 1))
                .name(tool)
                .arguments(argumentsJson)
                .build()));
        return this;
    }

    /** The next answer is the final text {@code text}. */
    public ScriptedModel answer(String text) {
        script.add(AiMessage.from(text));
        return this;
    }

    /** What the planner sent the model, in order. */
    public synchronized List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    PlannerModel planner(dev.cyberia.treasury.Asset token) {
        return new PlannerModel() {
            @Override
            public Amount maxPrice(SurvivalMode mode) {
                return Amount.zero(token);
            }

            @Override
            public PricedAnswer chat(ChatRequest request, SurvivalMode mode, String purchaseKey) {
                AiMessage next;
                synchronized (ScriptedModel.this) {
                    requests.add(request);
                    next = script.poll();
                }
                if (next == null) {
                    next = AiMessage.from("The script is over.");
                }
                return new PricedAnswer(
                        ChatResponse.builder().aiMessage(next).build(), "scripted", Amount.zero(token), "");
            }
        };
    }
}
