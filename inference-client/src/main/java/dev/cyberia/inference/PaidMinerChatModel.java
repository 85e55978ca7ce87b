package dev.cyberia.inference;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A LangChain4j {@link ChatModel} that buys one answer from a miner over x402 through a {@link MinerClient},
 * under one idempotency key (a re-run gets the same answer, never a second payment).
 * Tool calls and results travel as text in the model's chat template ({@code <tool_call>}), as with a local model.
 */
public final class PaidMinerChatModel implements ChatModel {
    private final MinerClient client;
    private final String model;
    private final String idempotencyKey;
    private volatile MinerClient.PaidAnswer last;

    public PaidMinerChatModel(MinerClient client, String model, String idempotencyKey) {
        this.client = client;
        this.model = model;
        this.idempotencyKey = idempotencyKey;
    }

    /** The last answer bought, with its price, settlement transaction and receipt. */
    public MinerClient.PaidAnswer lastPurchase() {
        return last;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<Message> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(LocalChatModel.toMessage(m)); // tool calls and results travel as the chat template's text
        }
        GenerationOptions options = OpenAiWire.options(request, OptionalLong.empty());
        MinerClient.PaidAnswer answer = client.chat(idempotencyKey, model, messages, options);
        last = answer;
        List<ToolSpecification> offered =
                request.toolSpecifications() == null ? List.of() : request.toolSpecifications();
        List<ToolExecutionRequest> calls = LocalChatModel.toolCalls(
                answer.text(), offered.stream().map(ToolSpecification::name).collect(Collectors.toSet()));
        return ChatResponse.builder()
                .aiMessage(calls.isEmpty() ? AiMessage.from(answer.text()) : AiMessage.from(calls))
                .modelName(model + "@" + answer.miner())
                .tokenUsage(new TokenUsage(answer.promptTokens(), answer.completionTokens()))
                .finishReason(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                .build();
    }
}
