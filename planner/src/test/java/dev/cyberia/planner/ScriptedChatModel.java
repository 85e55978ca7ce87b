package dev.cyberia.planner;

import dev.cyberia.agentcore.SurvivalMode;
import dev.cyberia.treasury.Amount;
import dev.cyberia.treasury.Asset;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/** A model that answers from a script, in order, and keeps every request it was sent. */
final class ScriptedChatModel implements PlannerModel {
    private final Deque<Supplier<AiMessage>> script = new ArrayDeque<>();
    final List<ChatRequest> requests = new ArrayList<>();
    private final Amount price;

    ScriptedChatModel(Asset asset, String pricePerCall) {
        this.price = Amount.parse(pricePerCall, asset);
    }

    ScriptedChatModel call(String tool, String arguments) {
        script.add(() -> AiMessage.from(ToolExecutionRequest.builder()
                .id("call-" + script.size())
                .name(tool)
                .arguments(arguments)
                .build()));
        return this;
    }

    ScriptedChatModel answer(String text) {
        script.add(() -> AiMessage.from(text));
        return this;
    }

    ScriptedChatModel fail(RuntimeException e) {
        script.add(() -> {
            throw e;
        });
        return this;
    }

    @Override
    public Amount maxPrice(SurvivalMode mode) {
        return price;
    }

    @Override
    public PricedAnswer chat(ChatRequest request, SurvivalMode mode, String purchaseKey) {
        requests.add(request);
        if (script.isEmpty()) {
            throw new IllegalStateException("the script ran out after " + requests.size() + " calls");
        }
        AiMessage next = script.poll().get();
        return new PricedAnswer(
                ChatResponse.builder()
                        .aiMessage(next)
                        .modelName("scripted")
                        .tokenUsage(new TokenUsage(10, 5))
                        .build(),
                "scripted",
                Amount.zero(price.asset()),
                "");
    }
}
